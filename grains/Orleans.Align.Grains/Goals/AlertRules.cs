namespace Orleans.Align.Grains.Goals;

/// <summary>
/// One condition of a goal (a falling trend, confidence that disagrees with pace) across time. An
/// episode begins when the condition starts to hold (<see cref="Since"/>), is raised once it has held
/// for the hold time (<see cref="Open"/>), and ends once it has stopped holding for the hold time.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.alert-episode")]
public sealed record AlertEpisode(
    [property: Id(0)] DateTimeOffset? Since = null,
    [property: Id(1)] bool Open = false,
    [property: Id(2)] DateTimeOffset? ClearingSince = null)
{
    public static readonly AlertEpisode None = new();
}

/// <summary>The status the feed has been told (<see cref="Announced"/>), and the one waiting out its hold.</summary>
[GenerateSerializer, Immutable, Alias("align.held-status")]
public sealed record HeldStatus(
    [property: Id(0)] GoalStatus Announced = GoalStatus.NotStarted,
    [property: Id(1)] GoalStatus? Candidate = null,
    [property: Id(2)] DateTimeOffset? CandidateSince = null);

public enum EpisodeStep
{
    None,
    /// <summary>The condition has held for the hold time: raise the alert, once.</summary>
    Raise,
    /// <summary>The condition has stopped holding for the hold time: resolve the alert.</summary>
    Resolve,
}

/// <summary>A status that has held long enough to be told: from what, to what, and since when it held.</summary>
public sealed record StatusAnnouncement(GoalStatus From, GoalStatus To, DateTimeOffset Since);

/// <summary>
/// The rules that keep alerts meaningful, free of grains so each can be tested on its own: a
/// condition must hold for the organization's hold time before it is raised and must clear for as
/// long before it is resolved, so a goal hovering on a threshold raises nothing, and each episode
/// raises one alert whose key is the same however often it is judged.
/// </summary>
public static class AlertRules
{
    /// <summary>Statuses whose episodes are pace alerts.</summary>
    public static bool IsAlert(GoalStatus status) => status is GoalStatus.AtRisk or GoalStatus.OffTrack;

    public static string ReasonOf(GoalStatus status) => status == GoalStatus.AtRisk ? AlertReasons.AtRisk : AlertReasons.OffTrack;

    /// <summary>
    /// The feed's key for what a goal raises: the same goal, reason and start of the episode always
    /// give the same key, so a goal that raises an episode again (after a crash) is recognized.
    /// </summary>
    public static string Key(string goalId, string reason, DateTimeOffset since) => $"{goalId}/{reason}/{since.ToUnixTimeMilliseconds()}";

    /// <summary>
    /// One judgement of a condition at <paramref name="now"/>. Judgements are taken when something
    /// happens and on the goal's pace timer and reminder; a condition counts as holding between two
    /// judgements that both saw it hold.
    /// </summary>
    public static (AlertEpisode Next, EpisodeStep Step) Judge(AlertEpisode episode, bool holds, DateTimeOffset now, TimeSpan hold)
    {
        if (!episode.Open)
        {
            if (!holds) return (AlertEpisode.None, EpisodeStep.None);
            var since = episode.Since ?? now;
            return now - since >= hold
                ? (new AlertEpisode(since, Open: true), EpisodeStep.Raise)
                : (new AlertEpisode(since), EpisodeStep.None);
        }
        if (holds) return (episode with { ClearingSince = null }, EpisodeStep.None);
        var clearing = episode.ClearingSince ?? now;
        return now - clearing >= hold
            ? (AlertEpisode.None, EpisodeStep.Resolve)
            : (episode with { ClearingSince = clearing }, EpisodeStep.None);
    }

    /// <summary>
    /// One judgement of the pace status. A new status is told once it has held for the hold time, so
    /// a goal flipping between two statuses tells nothing until one of them stays. Achieved, and
    /// every status once the period is over, is told at once: nothing moves it back by itself.
    /// </summary>
    public static (HeldStatus Next, StatusAnnouncement? Announcement) Judge(HeldStatus held, GoalStatus status, bool periodOver, DateTimeOffset now, TimeSpan hold)
    {
        if (status == held.Announced) return (held.Candidate is null ? held : new HeldStatus(held.Announced), null);
        var since = status == held.Candidate && held.CandidateSince is { } s ? s : now;
        if (periodOver || status == GoalStatus.Achieved || now - since >= hold)
            return (new HeldStatus(status), new StatusAnnouncement(held.Announced, status, since));
        return (new HeldStatus(held.Announced, status, since), null);
    }
}
