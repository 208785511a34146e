namespace Orleans.Align;

[GenerateSerializer, Alias("align.error-kind")]
public enum AlignErrorKind
{
    Invalid = 0,
    NotFound = 1,
    Conflict = 2,
    Unavailable = 3,
}

/// <summary>
/// A domain rule refused a command. Thrown by grains, carried across the cluster, and turned into an
/// RFC 9457 problem document by the gateway; nothing was changed when it is thrown.
/// </summary>
[GenerateSerializer, Alias("align.error")]
public sealed class AlignException : Exception
{
    public AlignException(AlignErrorKind kind, string message, int? retryAfterSeconds = null) : base(message) => (Kind, RetryAfterSeconds) = (kind, retryAfterSeconds);

    [Id(0)]
    public AlignErrorKind Kind { get; }

    /// <summary>For <see cref="AlignErrorKind.Unavailable"/>: when a retry can expect to succeed, if the grain knows (the gateway's Retry-After).</summary>
    [Id(1)]
    public int? RetryAfterSeconds { get; }

    public static AlignException NotFound(string what) => new(AlignErrorKind.NotFound, what);
    public static AlignException Conflict(string what) => new(AlignErrorKind.Conflict, what);
    public static AlignException Invalid(string what) => new(AlignErrorKind.Invalid, what);
    public static AlignException Unavailable(string what, TimeSpan retryAfter) => new(AlignErrorKind.Unavailable, what, (int)Math.Ceiling(retryAfter.TotalSeconds));
}
