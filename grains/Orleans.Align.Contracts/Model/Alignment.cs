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
    [property: Id(6)] int LowConfidence = 3)
{
    public static readonly AlignmentSettings Default = new();

    public TimeSpan TrendWindow() => TimeSpan.FromMinutes(TrendWindowMinutes > 0 ? TrendWindowMinutes : 60);
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
    [property: Id(10)] int? Confidence = null);

[GenerateSerializer, Immutable, Alias("align.feed-query")]
public sealed record FeedQuery(
    [property: Id(0)] string? Department = null,
    [property: Id(1)] string? Campaign = null,
    [property: Id(2)] FeedKind? Kind = null,
    [property: Id(3)] string? GoalId = null,
    [property: Id(4)] long? Before = null,
    [property: Id(5)] int Limit = 50);

/// <summary>A point of a goal's history: its value and progress at the end of a minute or a day.</summary>
[GenerateSerializer, Immutable, Alias("align.history-point")]
public sealed record HistoryPoint(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double? Value,
    [property: Id(2)] double? Percent);

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
