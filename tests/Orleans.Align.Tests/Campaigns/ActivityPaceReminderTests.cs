using Orleans.Align.Tests.Alerts;
using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Campaigns;

/// <summary>
/// An activity target's pace moves with time alone, as a goal's does: the campaign's durable reminder
/// wakes it (deactivated, with no event arriving) and it tells its departments, so a target with no
/// events turns at risk on time on the department's scorecard.
/// </summary>
[Collection(AlertClockCollection.Name)]
public sealed class ActivityPaceReminderTests(AlertClockFixture fixture)
{
    [Fact]
    public async Task A_target_with_no_events_turns_at_risk_on_time_by_the_reminder_with_the_campaign_deactivated()
    {
        var org = await fixture.NewOrganizationAsync();
        var now = fixture.Clock.GetUtcNow();
        // A ten-day window that opens now: nothing is expected yet, so the target starts on track.
        await org.Grain.AddCampaignAsync(new Campaign("fall", "Fall push", [Pr],
            [new("press", Pr, "Press tour", ["media_mentions"], [new ActivityTarget("media_mentions", 10)])], now, now.AddDays(10)));
        var before = await org.Department(Pr).GetScorecardAsync();
        Assert.NotEqual(GoalStatus.AtRisk, Assert.Single(Assert.Single(before!.Activities).Targets).Status);

        await fixture.DeactivateAsync(org.Campaign("fall"));
        fixture.Clock.Advance(TimeSpan.FromDays(3));
        await fixture.TickAsync(org.Campaign("fall"));

        // The department was told by the campaign's tick, not by reading the campaign.
        var after = await org.Department(Pr).GetScorecardAsync();
        var target = Assert.Single(Assert.Single(after!.Activities).Targets);
        Assert.True(target.Status is GoalStatus.AtRisk or GoalStatus.OffTrack, $"The target is {target.Status} three days into its window with no events.");
    }
}
