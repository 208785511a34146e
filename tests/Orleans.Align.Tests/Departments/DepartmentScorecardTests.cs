using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Departments;

/// <summary>
/// A department's scorecard: live totals of its events across campaigns and outside any (exactly
/// once, ratios from summed parts), the goals it owns with their status and its last check-in, and
/// the activities it is in charge of, moving when its campaigns move.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DepartmentScorecardTests(ClusterFixture cluster)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static double? Value(TotalsView totals, string metric) => totals.Metrics.SingleOrDefault(m => m.Metric == metric)?.Value;

    [Fact]
    public async Task Totals_span_every_campaign_of_the_department_and_events_outside_any_campaign()
    {
        var org = await cluster.NewOrganizationAsync();
        var result = await org.IngestAsync(
            Event("launch", "leads", 10, Launch, Marketing),
            Event("spring", "leads", 5, SpringSale, Marketing),
            Event("outside", "leads", 1, department: Marketing),
            Event("not-ours", "leads", 1_000, Launch, Pr),
            Event("nobody", "leads", 2_000, Launch));

        var card = await org.ScorecardThroughAsync(Marketing, result.LastSequence);
        Assert.Equal((3L, 16.0), (card.Totals.Events, Value(card.Totals, "leads")));
        Assert.Equal([Launch, SpringSale], card.ByCampaign.Select(c => c.Campaign));
        Assert.Equal(10, Value(card.ByCampaign.Single(c => c.Campaign == Launch).Totals, "leads"));
        Assert.Equal(5, Value(card.ByCampaign.Single(c => c.Campaign == SpringSale).Totals, "leads"));
        Assert.Equal((1L, 1.0), (card.OutsideCampaigns.Events, Value(card.OutsideCampaigns, "leads")));
        Assert.Equal(1_000, Value((await org.ScorecardThroughAsync(Pr, result.LastSequence)).Totals, "leads"));
    }

    [Fact]
    public async Task Ratios_across_campaigns_are_computed_from_summed_parts()
    {
        var org = await cluster.NewOrganizationAsync();
        // 1 of 2 visits in one campaign (50%), 1 of 98 in the other: across both, 2 of 100.
        var result = await org.IngestAsync(
            Event("v1", "visits", 2, Launch, Sales), Event("c1", "conversions", 1, Launch, Sales),
            Event("v2", "visits", 98, SpringSale, Sales), Event("c2", "conversions", 1, SpringSale, Sales));

        var card = await org.ScorecardThroughAsync(Sales, result.LastSequence);
        Assert.Equal(0.02, Value(card.Totals, "conversion_rate"));
        Assert.Equal(0.5, Value(card.ByCampaign.Single(c => c.Campaign == Launch).Totals, "conversion_rate"));
    }

    [Fact]
    public async Task The_scorecard_shows_each_owned_goal_with_its_status_and_the_departments_own_last_check_in()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(Definition("shared", "leads") with { Owners = [Marketing, Sales] });
        await org.Grain.CreateGoalAsync(Definition("sales-only", "leads") with { Owners = [Sales] });
        var at = Now.AddMinutes(-5);
        await org.Goal("shared").CheckInAsync(new CheckIn(Marketing, 7, "on it", at));
        await org.Goal("shared").CheckInAsync(new CheckIn(Sales, 3, "worried", at.AddMinutes(1)));
        var result = await org.IngestAsync(Event("e", "leads", 40));
        await org.AppliedThroughAsync("shared", result.LastSequence);

        await Eventually.Holds(async () =>
        {
            var marketing = (await org.Department(Marketing).GetScorecardAsync())!;
            var goal = Assert.Single(marketing.Goals);
            Assert.Equal(("shared", 40.0, GoalStatus.Missed), (goal.GoalId, goal.Progress, goal.Status)); // 2025 is over, short of 100
            // Sales checked in later, but the marketing scorecard shows marketing's own check-in.
            Assert.Equal((at, 7), (goal.LastCheckIn, goal.Confidence));

            var sales = (await org.Department(Sales).GetScorecardAsync())!;
            Assert.Equal(["sales-only", "shared"], sales.Goals.Select(g => g.GoalId).Order());
            Assert.Equal((at.AddMinutes(1), 3), (sales.Goals.Single(g => g.GoalId == "shared").LastCheckIn, sales.Goals.Single(g => g.GoalId == "shared").Confidence));
            Assert.Null(sales.Goals.Single(g => g.GoalId == "sales-only").LastCheckIn);
        });
    }

    [Fact]
    public async Task The_scorecard_moves_when_an_activity_of_one_of_its_campaigns_moves()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.AddCampaignAsync(new Campaign("q3", "Q3", [Marketing, Pr],
            [new("press", Pr, "Press tour", ["media_mentions"], [new ActivityTarget("media_mentions", 10)]),
             new("ads", Marketing, "Ads", ["clicks"])],
            Now.AddDays(-1), Now.AddDays(1)));
        await org.Grain.SetActivityAsync(Launch, new CampaignActivity("launch-pr", Pr, "Launch coverage", ["media_mentions"]));
        var result = await org.IngestAsync(
            Event("m1", "media_mentions", 5, "q3", at: Now.AddHours(-1)) with { Activity = "press" },
            Event("m2", "media_mentions", 2, Launch, at: Now.AddHours(-1)) with { Activity = "launch-pr" });
        await org.CampaignThroughAsync("q3", result.LastSequence);
        await org.CampaignThroughAsync(Launch, result.LastSequence);

        await Eventually.Holds(async () =>
        {
            var pr = (await org.Department(Pr).GetScorecardAsync())!;
            // Its activities in both campaigns, and only its own: the events named no department, the activities are PR's.
            Assert.Equal(["launch:launch-pr", "q3:press"], pr.Activities.Select(a => $"{a.Campaign}:{a.Id}").Order());
            var press = pr.Activities.Single(a => a.Id == "press");
            Assert.Equal((5.0, GoalStatus.OnTrack), (press.Targets.Single().Value, press.Targets.Single().Status));
            Assert.Equal(2, Value(pr.Activities.Single(a => a.Id == "launch-pr").Totals, "media_mentions"));
            Assert.Equal(["ads"], (await org.Department(Marketing).GetScorecardAsync())!.Activities.Select(a => a.Id));
        });
    }

    [Fact]
    public async Task The_department_board_shows_the_scorecard_and_the_goals_it_owns_live()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("marketing-leads", "leads"); // owned by marketing
        var board = org.Board(BoardIds.ForDepartment(Marketing));
        var first = await board.GetSnapshotAsync();
        Assert.Equal("Marketing scorecard", first.Title);

        var result = await org.IngestAsync(Event("e", "leads", 12, Launch, Marketing));
        await org.ScorecardThroughAsync(Marketing, result.LastSequence);
        await Eventually.Holds(async () =>
        {
            var snapshot = await board.GetSnapshotAsync();
            Assert.Equal(12, Value(snapshot.Department!.Totals, "leads"));
            Assert.Equal("marketing-leads", Assert.Single(snapshot.Goals).Id);
            Assert.Equal(12, Assert.Single(snapshot.Department.Goals).Progress);
        });
        await Assert.ThrowsAsync<AlignException>(() => org.Board(BoardIds.ForDepartment("no-such-department")).GetSnapshotAsync());
    }
}
