using Orleans.Align.Grains.Goals;

namespace Orleans.Align.Tests.Goals;

/// <summary>The hold and episode rules behind alerts, judged at moments the test chooses; no cluster.</summary>
public sealed class AlertRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 9, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(5);

    private static DateTimeOffset At(double minutes) => T0.AddMinutes(minutes);

    /// <summary>Judges a condition at each (minute, holds) in turn and lists the steps taken.</summary>
    private static (AlertEpisode Episode, List<(double Minute, EpisodeStep Step)> Steps) Run(params (double Minute, bool Holds)[] judgements)
    {
        var episode = AlertEpisode.None;
        var steps = new List<(double, EpisodeStep)>();
        foreach (var (minute, holds) in judgements)
        {
            (episode, var step) = AlertRules.Judge(episode, holds, At(minute), Hold);
            if (step != EpisodeStep.None) steps.Add((minute, step));
        }
        return (episode, steps);
    }

    [Fact]
    public void A_condition_that_has_not_held_for_the_hold_time_raises_nothing()
    {
        var (episode, steps) = Run((0, true), (2, true), (4.9, true));

        Assert.Empty(steps);
        Assert.Equal(new AlertEpisode(T0), episode);
    }

    [Fact]
    public void A_condition_that_holds_for_the_hold_time_raises_once_with_the_start_of_its_episode()
    {
        var (episode, steps) = Run((0, true), (5, true), (6, true), (30, true));

        Assert.Equal([(5.0, EpisodeStep.Raise)], steps);
        Assert.Equal(new AlertEpisode(T0, Open: true), episode);
    }

    [Fact]
    public void A_flapping_condition_raises_nothing()
    {
        var (_, steps) = Run([.. Enumerable.Range(0, 40).Select(i => ((double)i, i % 2 == 0))]);

        Assert.Empty(steps);
    }

    [Fact]
    public void An_open_episode_survives_a_clear_shorter_than_the_hold_and_resolves_after_a_longer_one()
    {
        var (episode, steps) = Run((0, true), (5, true), (6, false), (8, true), (9, false), (13.9, false), (14, false));

        Assert.Equal([(5.0, EpisodeStep.Raise), (14.0, EpisodeStep.Resolve)], steps);
        Assert.Equal(AlertEpisode.None, episode);
    }

    [Fact]
    public void The_next_episode_is_a_new_one_with_a_new_start()
    {
        var (episode, steps) = Run((0, true), (5, true), (6, false), (11, false), (12, true), (17, true));

        Assert.Equal([(5.0, EpisodeStep.Raise), (11.0, EpisodeStep.Resolve), (17.0, EpisodeStep.Raise)], steps);
        Assert.Equal(At(12), episode.Since);
        Assert.NotEqual(AlertRules.Key("g", AlertReasons.TrendDown, T0), AlertRules.Key("g", AlertReasons.TrendDown, episode.Since!.Value));
    }

    [Fact]
    public void With_no_hold_a_condition_is_raised_and_resolved_when_judged()
    {
        var (open, raised) = AlertRules.Judge(AlertEpisode.None, true, T0, TimeSpan.Zero);
        var (closed, resolved) = AlertRules.Judge(open, false, At(1), TimeSpan.Zero);

        Assert.Equal((EpisodeStep.Raise, EpisodeStep.Resolve), (raised, resolved));
        Assert.Equal(AlertEpisode.None, closed);
    }

    [Fact]
    public void The_key_of_an_episode_is_the_same_however_often_it_is_computed()
    {
        Assert.Equal(AlertRules.Key("q3-leads", AlertReasons.AtRisk, T0), AlertRules.Key("q3-leads", AlertReasons.AtRisk, T0.ToOffset(TimeSpan.FromHours(2))));
        Assert.NotEqual(AlertRules.Key("q3-leads", AlertReasons.AtRisk, T0), AlertRules.Key("q3-leads", AlertReasons.OffTrack, T0));
    }

    /// <summary>Judges the pace status at each (minute, status) in turn and lists what was told.</summary>
    private static (HeldStatus Held, List<StatusAnnouncement> Told) Statuses(GoalStatus announced, params (double Minute, GoalStatus Status)[] judgements)
    {
        var held = new HeldStatus(announced);
        var told = new List<StatusAnnouncement>();
        foreach (var (minute, status) in judgements)
        {
            (held, var announcement) = AlertRules.Judge(held, status, periodOver: false, At(minute), Hold);
            if (announcement is not null) told.Add(announcement);
        }
        return (held, told);
    }

    [Fact]
    public void A_status_flipping_every_few_seconds_is_never_told()
    {
        var (held, told) = Statuses(GoalStatus.OnTrack, [.. Enumerable.Range(0, 120).Select(i => (i / 12.0, i % 2 == 0 ? GoalStatus.AtRisk : GoalStatus.OnTrack))]);

        Assert.Empty(told);
        Assert.Equal(GoalStatus.OnTrack, held.Announced);
    }

    [Fact]
    public void A_new_status_is_told_once_it_has_held_since_it_began()
    {
        var (held, told) = Statuses(GoalStatus.OnTrack, (1, GoalStatus.AtRisk), (3, GoalStatus.AtRisk), (6, GoalStatus.AtRisk), (7, GoalStatus.AtRisk));

        Assert.Equal([new StatusAnnouncement(GoalStatus.OnTrack, GoalStatus.AtRisk, At(1))], told);
        Assert.Equal(new HeldStatus(GoalStatus.AtRisk), held);
    }

    [Fact]
    public void A_status_that_changes_again_before_it_held_starts_its_hold_over()
    {
        var (held, told) = Statuses(GoalStatus.OnTrack, (0, GoalStatus.AtRisk), (3, GoalStatus.OffTrack), (6, GoalStatus.OffTrack), (8, GoalStatus.OffTrack));

        Assert.Equal([new StatusAnnouncement(GoalStatus.OnTrack, GoalStatus.OffTrack, At(3))], told);
        Assert.Equal(GoalStatus.OffTrack, held.Announced);
    }

    [Fact]
    public void A_goal_created_before_its_first_events_is_not_told_off_track_for_a_moment()
    {
        var (held, told) = Statuses(GoalStatus.NotStarted, (0, GoalStatus.OffTrack), (0.1, GoalStatus.OnTrack), (5.2, GoalStatus.OnTrack));

        Assert.Equal([new StatusAnnouncement(GoalStatus.NotStarted, GoalStatus.OnTrack, At(0.1))], told);
        Assert.Equal(GoalStatus.OnTrack, held.Announced);
    }

    [Fact]
    public void Achieved_and_any_status_after_the_period_are_told_at_once()
    {
        var (_, achieved) = AlertRules.Judge(new HeldStatus(GoalStatus.OnTrack), GoalStatus.Achieved, periodOver: false, T0, Hold);
        var (_, missed) = AlertRules.Judge(new HeldStatus(GoalStatus.AtRisk), GoalStatus.Missed, periodOver: true, T0, Hold);

        Assert.Equal(new StatusAnnouncement(GoalStatus.OnTrack, GoalStatus.Achieved, T0), achieved);
        Assert.Equal(new StatusAnnouncement(GoalStatus.AtRisk, GoalStatus.Missed, T0), missed);
    }
}
