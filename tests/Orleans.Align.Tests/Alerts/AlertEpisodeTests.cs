using Orleans.Align.Grains;
using Orleans.Align.Grains.Goals;
using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Alerts;

/// <summary>
/// Alerts that mean something, on a goal whose clock the test moves: a status must hold for the
/// organization's hold time (5 minutes by default) before it is raised, an episode raises one alert,
/// the alert is acknowledged and then resolved when the condition has cleared, and a goal that dies
/// and comes back does not raise the same alert twice.
/// </summary>
[Collection(AlertClockCollection.Name)]
public sealed class AlertEpisodeTests(AlertClockFixture fixture)
{
    private const string GoalId = "followers";
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(AlignmentSettings.Default.AlertHoldMinutes);

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    /// <summary>Followers (a gauge) staying above 1,000 for the launch: 1,000 is on track, 950 at risk (within 10%).</summary>
    private async Task<TestOrganization> OrganizationWithAGoalOnTrackAsync()
    {
        var org = await fixture.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(new GoalDefinition(GoalId, "Followers", "followers", 1_000, [Marketing], GoalScope.Of(campaign: Launch), Now.AddDays(-1), Now.AddDays(30), GoalKind.StayAbove));
        await FollowersAsync(org, 1_000);
        fixture.Clock.Advance(Hold);
        await fixture.JudgeNowAsync(org, GoalId);
        Assert.Empty(await FeedAsync(org));
        return org;
    }

    /// <summary>A reading now; returns once the goal has applied it and finished its turn (boards and feed told).</summary>
    private async Task FollowersAsync(TestOrganization org, double value)
    {
        var result = await org.IngestAsync(Event($"f-{Guid.NewGuid():N}", "followers", value, Launch, at: Now));
        await org.AppliedThroughAsync(GoalId, result.LastSequence);
        // Not interleaved: it runs once the goal's turn (publish, feed) is over.
        await org.Goal(GoalId).WhenIdleAsync();
    }

    private static async Task<IReadOnlyList<FeedEntry>> FeedAsync(TestOrganization org, FeedKind? kind = null, AlertState? state = null) =>
        await org.Feed.ListAsync(new FeedQuery(Kind: kind, GoalId: GoalId, State: state));

    private static Task<IReadOnlyList<FeedEntry>> AlertsAsync(TestOrganization org) => FeedAsync(org, FeedKind.Alert);

    private async Task JudgeAfterAsync(TestOrganization org, TimeSpan wait)
    {
        fixture.Clock.Advance(wait);
        await fixture.JudgeNowAsync(org, GoalId);
    }

    [Fact]
    public async Task An_alert_is_raised_only_once_its_status_has_held_for_the_hold_time()
    {
        var org = await OrganizationWithAGoalOnTrackAsync();
        var since = Now;
        await FollowersAsync(org, 950);

        await JudgeAfterAsync(org, Hold - TimeSpan.FromSeconds(1));
        Assert.Equal(GoalStatus.AtRisk, (await org.Goal(GoalId).GetAsync())!.Status);
        Assert.Empty(await AlertsAsync(org));

        await JudgeAfterAsync(org, TimeSpan.FromSeconds(1));
        var alert = Assert.Single(await AlertsAsync(org));
        Assert.Equal((AlertReasons.AtRisk, AlertState.Open, since, Now), (alert.Reason, alert.State, alert.Since, alert.At));
        Assert.Equal(AlertRules.Key(GoalId, AlertReasons.AtRisk, since), alert.Key);
        Assert.Equal([Launch], alert.Campaigns);
    }

    [Fact]
    public async Task A_status_flapping_between_at_risk_and_on_track_raises_one_alert_not_one_per_flip()
    {
        var org = await OrganizationWithAGoalOnTrackAsync();

        for (var flip = 0; flip < 10; flip++)
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(1));
            await FollowersAsync(org, flip % 2 == 0 ? 950 : 1_000);
        }
        Assert.Empty(await FeedAsync(org));

        // Then it stays at risk: one alert, however often the goal is judged after.
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await FollowersAsync(org, 950);
        for (var minute = 0; minute < 8; minute++) await JudgeAfterAsync(org, TimeSpan.FromMinutes(1));

        Assert.Equal([AlertReasons.AtRisk], (await AlertsAsync(org)).Select(a => a.Reason));
        Assert.Empty(await FeedAsync(org, FeedKind.StatusChange));
    }

    [Fact]
    public async Task An_acknowledged_alert_is_resolved_once_its_condition_has_cleared_for_the_hold_time()
    {
        var org = await OrganizationWithAGoalOnTrackAsync();
        await FollowersAsync(org, 950);
        await JudgeAfterAsync(org, Hold);
        var alert = Assert.Single(await AlertsAsync(org));

        var acknowledged = await org.Feed.AcknowledgeAsync(alert.Id, Sales, Now);
        Assert.Equal((AlertState.Acknowledged, Sales, Now), (acknowledged!.State, acknowledged.AcknowledgedBy, acknowledged.AcknowledgedAt));

        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var cleared = Now;
        await FollowersAsync(org, 1_000);
        await JudgeAfterAsync(org, Hold - TimeSpan.FromSeconds(1));
        Assert.Equal(AlertState.Acknowledged, Assert.Single(await AlertsAsync(org)).State);

        await JudgeAfterAsync(org, TimeSpan.FromSeconds(1));
        var resolved = Assert.Single(await AlertsAsync(org));
        Assert.Equal((alert.Id, AlertState.Resolved, cleared, Sales), (resolved.Id, resolved.State, resolved.ResolvedAt, resolved.AcknowledgedBy));
        Assert.Equal([resolved.Id], (await FeedAsync(org, state: AlertState.Resolved)).Select(e => e.Id));
        Assert.Empty(await FeedAsync(org, state: AlertState.Open));
        Assert.Contains(await FeedAsync(org, FeedKind.StatusChange), e => e.Text == "Now on track (was at risk).");
        // The war room shows the alert as it is now, not as it was raised.
        var onTheWall = Assert.Single((await org.Board(BoardIds.ForCampaign(Launch)).GetSnapshotAsync()).Feed!, e => e.Id == alert.Id);
        Assert.Equal((AlertState.Resolved, cleared), (onTheWall.State, onTheWall.ResolvedAt));
    }

    [Fact]
    public async Task A_goal_that_dies_right_after_raising_an_alert_does_not_raise_it_again()
    {
        var org = await OrganizationWithAGoalOnTrackAsync();
        var goal = org.Goal(GoalId);
        await FollowersAsync(org, 950);
        fixture.Clock.Advance(Hold);

        // The snapshot taken before the feed is told is the last one that reaches storage.
        fixture.Storage.DieAfterWrite(goal.GetGrainId(), s => ((GoalState)s).Alerts.Outbox.Count > 0);
        await fixture.JudgeNowAsync(org, GoalId);
        var alert = Assert.Single(await AlertsAsync(org));
        await DeactivateAsync(goal);
        Assert.NotEmpty(fixture.Storage.Stored<GoalState>(goal.GetGrainId())!.Alerts.Outbox);

        fixture.Storage.Revive(goal.GetGrainId());
        await fixture.JudgeNowAsync(org, GoalId);

        await Eventually.Holds(() => Assert.Empty(fixture.Storage.Stored<GoalState>(goal.GetGrainId())?.Alerts.Outbox ?? [null!]));
        Assert.Equal([alert.Id], (await AlertsAsync(org)).Select(a => a.Id));
    }

    [Fact]
    public async Task A_goal_reactivated_from_a_snapshot_older_than_its_alert_raises_it_once()
    {
        var org = await OrganizationWithAGoalOnTrackAsync();
        var goal = org.Goal(GoalId);
        await FollowersAsync(org, 950);
        await Eventually.Holds(() => Assert.Equal(GoalStatus.AtRisk, fixture.Storage.Stored<GoalState>(goal.GetGrainId())?.Alerts.Status.Candidate));
        var older = fixture.Storage.Snapshot(goal.GetGrainId())!;

        await JudgeAfterAsync(org, Hold);
        var alert = Assert.Single(await AlertsAsync(org));
        await DeactivateAsync(goal);
        fixture.Storage.Restore(goal.GetGrainId(), older);
        await fixture.JudgeNowAsync(org, GoalId);

        // It judged the same episode again and raised it under the same key; the feed kept the first.
        await Eventually.Holds(() => Assert.Equal(alert.Key, fixture.Storage.Stored<GoalState>(goal.GetGrainId())?.Alerts.PaceKey));
        Assert.Equal([alert.Id], (await AlertsAsync(org)).Select(a => a.Id));
    }

    private async Task DeactivateAsync(IGoalGrain goal)
    {
        await fixture.DeactivateAsync(goal);
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        await Eventually.Holds(async () => Assert.Null(await management.GetActivationAddress(goal)));
    }
}
