namespace Orleans.Align;

/// <summary>
/// An organization's rules for turning numbers into signals. Documented in the README; changed with
/// <c>PUT /api/v1/settings</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.settings")]
public sealed record AlignmentSettings(
    // On track while actual progress is at least this share of the progress expected by now.
    [property: Id(0)] double OnTrackRatio = 0.9,
    // At risk while at least this share of the expected progress; below it, off track.
    [property: Id(1)] double AtRiskRatio = 0.7,
    // For stay-above/below goals: within this relative distance on the wrong side is at risk, beyond it off track.
    [property: Id(2)] double StayTolerance = 0.1,
    // Trend alerts compare the last window (in minutes) with the one before it.
    [property: Id(3)] double TrendWindowMinutes = 60,
    // A fall of at least this share from the previous window raises a trend alert.
    [property: Id(4)] double TrendDrop = 0.3,
    // Confidence at or above this while off track (or at or below LowConfidence while on track) is a mismatch.
    [property: Id(5)] int HighConfidence = 7,
    [property: Id(6)] int LowConfidence = 3,
    // A status change, a falling trend or a mismatch must hold this long (and clear for this long)
    // before an alert is raised (or resolved): a goal hovering on a threshold raises nothing.
    [property: Id(7)] double AlertHoldMinutes = 5,
    // The currency money metrics (spend, revenue, CAC) are in: ISO 4217 (OrganizationLocale.Currencies).
    [property: Id(8)] string Currency = OrganizationLocale.DefaultCurrency,
    // The organization's clock for people (days, weeks, reports): an IANA time zone id.
    [property: Id(9)] string TimeZone = OrganizationLocale.DefaultTimeZone)
{
    public static readonly AlignmentSettings Default = new();

    /// <summary>
    /// Settings saved before a member existed read back without it (null): the defaults fill it in, so
    /// every reader sees a currency and a time zone.
    /// </summary>
    public AlignmentSettings WithDefaults() =>
        Currency is null || TimeZone is null
            ? this with { Currency = Currency ?? OrganizationLocale.DefaultCurrency, TimeZone = TimeZone ?? OrganizationLocale.DefaultTimeZone }
            : this;

    public TimeSpan TrendWindow() => TimeSpan.FromMinutes(TrendWindowMinutes > 0 ? TrendWindowMinutes : 60);

    public TimeSpan AlertHold() => TimeSpan.FromMinutes(AlertHoldMinutes > 0 ? AlertHoldMinutes : 0);
}

[GenerateSerializer, Alias("align.feed-kind")]
public enum FeedKind
{
    CheckIn = 0,
    Announcement = 1,
    StatusChange = 2,
    Alert = 3,
}

/// <summary>Why an alert was raised: the realignment triggers.</summary>
public static class AlertReasons
{
    public const string AtRisk = "at_risk";
    public const string OffTrack = "off_track";
    public const string TrendDown = "trend_down";
    public const string ConfidenceMismatch = "confidence_mismatch";
    public const string SalesFeedback = "sales_feedback";
    /// <summary>An organization's trigger rule holds (the alert goes to the departments it names).</summary>
    public const string Trigger = "trigger";
    /// <summary>A department has not checked in on a goal it owns within its cadence.</summary>
    public const string CheckInOverdue = "check_in_overdue";
}

/// <summary>
/// An alert's lifecycle: open when raised, acknowledged when someone says they are on it, resolved
/// when its condition has cleared (a goal's own alerts) — acknowledged or not.
/// </summary>
[GenerateSerializer, Alias("align.alert-state")]
public enum AlertState
{
    Open = 0,
    Acknowledged = 1,
    Resolved = 2,
}

/// <summary>One entry of an organization's shared feed.</summary>
[GenerateSerializer, Immutable, Alias("align.feed-entry")]
public sealed record FeedEntry(
    [property: Id(0)] long Id,
    [property: Id(1)] FeedKind Kind,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Text,
    [property: Id(4)] string? Department = null,
    [property: Id(5)] IReadOnlyList<string>? To = null,
    [property: Id(6)] IReadOnlyList<string>? Campaigns = null,
    [property: Id(7)] string? GoalId = null,
    [property: Id(8)] bool SalesFeedback = false,
    [property: Id(9)] string? Reason = null,
    [property: Id(10)] int? Confidence = null,
    // What a goal raises carries a key of its own (goal, reason, the moment the condition began):
    // the feed keeps one entry per key, so an alert posted again after a crash is not raised twice.
    [property: Id(11)] string? Key = null,
    // Alerts only: where the alert is in its lifecycle, and since when its condition held.
    [property: Id(12)] AlertState? State = null,
    [property: Id(13)] DateTimeOffset? Since = null,
    // Who acknowledged it: a department, or the name of the API key that did.
    [property: Id(14)] string? AcknowledgedBy = null,
    [property: Id(15)] DateTimeOffset? AcknowledgedAt = null,
    // When its condition cleared (the alert is resolved from then on).
    [property: Id(16)] DateTimeOffset? ResolvedAt = null);

[GenerateSerializer, Immutable, Alias("align.feed-query")]
public sealed record FeedQuery(
    [property: Id(0)] string? Department = null,
    [property: Id(1)] string? Campaign = null,
    [property: Id(2)] FeedKind? Kind = null,
    [property: Id(3)] string? GoalId = null,
    [property: Id(4)] long? Before = null,
    [property: Id(5)] int Limit = 50,
    // Alerts in this state only.
    [property: Id(6)] AlertState? State = null);

/// <summary>A point of a goal's history: its value and progress at the end of a minute or a day.</summary>
[GenerateSerializer, Immutable, Alias("align.history-point")]
public sealed record HistoryPoint(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double? Value,
    [property: Id(2)] double? Percent,
    // The revision the goal's definition changed to within this point's bucket (GET /goals/{id}/definitions); null when it did not change.
    [property: Id(3)] int? DefinitionChanged = null);

/// <summary>An event behind a goal's value, as the provenance API lists it.</summary>
[GenerateSerializer, Immutable, Alias("align.provenance-page")]
public sealed record ProvenancePage(
    [property: Id(0)] IReadOnlyList<LoggedEvent> Events,
    [property: Id(1)] long? NextBefore);

/// <summary>A frozen picture of every goal at the end of a period, to compare later periods with.</summary>
[GenerateSerializer, Immutable, Alias("align.review")]
public sealed record Review(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset FrozenAt,
    [property: Id(3)] IReadOnlyList<GoalView> Goals);
