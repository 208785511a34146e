namespace Orleans.Align.Grains;

/// <summary>
/// A view of the organization's log that the ingest log delivers to (goals, campaigns, departments):
/// each applies ranges of the log exactly once by sequence number.
/// </summary>
[Alias("align.ILogViewGrain")]
public interface ILogViewGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies a range of the log. Sequences at or below the view's applied position are skipped, so
    /// redelivery never double counts; a range that starts past it makes the view read the gap from
    /// the log first, so a lost delivery is never skipped (if the gap cannot be read yet, the range
    /// is refused with a retryable Unavailable). Returns the position applied through.
    /// </summary>
    [Alias("ApplyRange")]
    Task<long> ApplyAsync(LogRange range);
}
