namespace Orleans.Align.Grains.Log;

/// <summary>
/// How the ingest log resolves a correction (an event that names, in <see cref="MetricEvent.Corrects"/>,
/// an earlier event it corrects) at append time, inside its group commit. The resolved correction
/// carries everything a view needs to apply it without a lookup: the corrected event's value as it
/// stood (<see cref="MetricEvent.Previous"/>; a view adds <see cref="MetricEvent.Amount"/>, the
/// difference), its sequence, its campaign, department and activity, and its event time.
/// <para>
/// Chains: an event is corrected at most once. Its correction is recorded in the dedupe index under a
/// derived key (<see cref="MarkerOf"/>), durable like any id (re-read from the log on activation, sealed
/// into the partitions' runs); correcting it again is refused (<see cref="CorrectionRefusal.AlreadyCorrected"/>,
/// naming the newer correction), and the caller corrects the newest correction instead. So the value a
/// correction replaces is always the one the views hold, and each link changes them by its difference once.
/// </para>
/// </summary>
public static class Corrections
{
    /// <summary>Event ids cannot hold control characters (the gateway refuses them), so no event id is a marker.</summary>
    private const string MarkerPrefix = "\u0001corrected\u0001";

    /// <summary>The dedupe index key that records "this id has been corrected" (stored with the correction's sequence).</summary>
    public static string MarkerOf(string correctedId) => MarkerPrefix + correctedId;

    /// <summary>
    /// The correction at <paramref name="index"/> of a caller's batch, resolved against the event it
    /// corrects (<paramref name="corrected"/>, null when the organization's log does not hold it within the
    /// dedupe window) and the id of an existing correction of that event (<paramref name="newerCorrection"/>).
    /// </summary>
    public static (MetricEvent? Resolved, IngestRefusal? Refusal) Resolve(int index, MetricEvent correction, LoggedEvent? corrected, string? newerCorrection)
    {
        var target = correction.Corrects ?? throw new ArgumentException("Not a correction.", nameof(correction));
        IngestRefusal Refuse(CorrectionRefusal reason, string detail, string? newer = null) => new(index, correction.Id, target, reason, detail, newer);

        if (corrected is null)
            return (null, Refuse(CorrectionRefusal.UnknownEvent,
                $"Event '{correction.Id}' corrects '{target}', which is not in this organization's log (events can be corrected within the dedupe window, 7 days by default)."));
        if (newerCorrection is not null)
            return (null, Refuse(CorrectionRefusal.AlreadyCorrected,
                $"Event '{target}' was corrected already by '{newerCorrection}': correct that one instead (only the newest event of a chain of corrections may be corrected).", newerCorrection));
        var o = corrected.Event;
        if (!string.Equals(correction.Metric, o.Metric, StringComparison.Ordinal))
            return (null, Refuse(CorrectionRefusal.MetricDiffers,
                $"Event '{correction.Id}' names metric '{correction.Metric}', but '{target}' is of metric '{o.Metric}': a correction keeps the metric (retract with 0 and send a new event instead)."));
        var differs = new List<string>();
        if (correction.Campaign is { } c && c != o.Campaign) differs.Add($"campaign '{c}' (the corrected event's: {Show(o.Campaign)})");
        if (correction.Department is { } d && d != o.Department) differs.Add($"department '{d}' (the corrected event's: {Show(o.Department)})");
        if (correction.Activity is { } a && a != o.Activity) differs.Add($"activity '{a}' (the corrected event's: {Show(o.Activity)})");
        if (differs.Count > 0)
            return (null, Refuse(CorrectionRefusal.ScopeDiffers,
                $"Event '{correction.Id}' names {string.Join(", ", differs)}: a correction keeps the corrected event's campaign, department and activity (leave them out)."));

        return (correction with
        {
            Timestamp = o.Timestamp,
            CorrectedAt = correction.CorrectedAt ?? correction.Timestamp,
            Previous = o.Value,
            CorrectedSequence = corrected.Sequence,
            Campaign = o.Campaign,
            Department = o.Department,
            Activity = o.Activity,
        }, null);
    }

    private static string Show(string? value) => value is null ? "none" : $"'{value}'";
}
