using static Orleans.Align.GoalStatus;
using static Orleans.Align.Tests.Cluster.TestOrganization;
using static Orleans.Align.Tests.Scenario.LaunchDay;

namespace Orleans.Align.Tests.Scenario;

/// <summary>
/// The seed articles' example, told hour by hour: a sustainable athletic-wear line launches, and
/// marketing, PR and sales watch one war room. Goals for the day (from 08:00, for 24 hours):
/// 40 media mentions (PR), 20,000 engagements (marketing and PR), a click-through rate that stays
/// above 2% (marketing), 500 bundle orders (sales and marketing), and "Launch day success" rolling
/// them up with the orders counting double.
/// </summary>
[Collection(WarRoomCollection.Name)]
public sealed class LaunchDayTests(WarRoomFixture warRoom)
{
    [Fact]
    public async Task Launch_day_of_the_eco_line_as_the_war_room_sees_it()
    {
        // 07:30. The war room opens on the wall screen. Nothing has started yet.
        var day = await OpenAsync(warRoom);
        await day.StatusesAreAsync(mentions: NotStarted, engagements: NotStarted, ctr: NotStarted, orders: NotStarted, launchDay: NotStarted);

        // 08:00. Launch. PR briefs the press, marketing starts the #MoveGreen hashtag campaign, the
        // bundle promotion goes live. At the very start any progress is on pace.
        await day.AtAsync(8, Hashtag(engagements: 1_500, impressions: 50_000, clicks: 1_200), Bundles(15));
        await day.AnnounceAsync(from: Pr, to: [Marketing, Sales], "Press briefing done: Outdoor Weekly runs the story this afternoon.");
        await day.StatusesAreAsync(mentions: OnTrack, engagements: OnTrack, ctr: OnTrack, orders: OnTrack, launchDay: OnTrack);

        // 09:00 to 11:00. A strong morning: mentions trickle in, the hashtag takes off at a 2.4%
        // click-through rate, bundles sell ahead of pace.
        await day.AtAsync(9, Coverage(2), Hashtag(engagements: 1_500, impressions: 50_000, clicks: 1_200), Bundles(15));
        // PR's beach clean-up gets shared too.
        await day.AtAsync(10, Coverage(2), Hashtag(engagements: 1_300, impressions: 50_000, clicks: 1_200), Beach(500), Bundles(15));
        await day.AtAsync(11, Coverage(2), Hashtag(engagements: 2_000, impressions: 50_000, clicks: 1_200), Bundles(15));
        await day.StatusesAreAsync(mentions: OnTrack, engagements: OnTrack, ctr: OnTrack, orders: OnTrack, launchDay: OnTrack);
        Assert.Equal(6_800, (await day.Goal(Engagements)).Progress);
        Assert.Equal(0.024, (await day.Goal(Ctr)).Progress);
        await day.NoNewAlertsAsync();

        // 12:00. Orders slow down: 71 of 500 with a sixth of the day gone is under 90% of the pace.
        await day.AtAsync(12, Coverage(2), Hashtag(engagements: 2_000, impressions: 50_000, clicks: 1_200), Bundles(11));
        await day.StatusesAreAsync(mentions: OnTrack, engagements: OnTrack, ctr: OnTrack, orders: AtRisk, launchDay: OnTrack);
        await day.NewAlertsAreAsync((Orders, AlertReasons.AtRisk));
        Assert.Equal(38.48, await day.LaunchDaySuccessIsTheWeightedAverageAsync());
        // Each activity against its target, a sixth of the day gone: the bundle promotion is at risk
        // like its goal (71 of 500 is 85% of the pace); the influencer posts have not started.
        Assert.Equal(
            [(PressBriefing, 8, OnTrack), (BeachCleanup, 500, OnTrack), (HashtagCampaign, 8_300, OnTrack), (InfluencerPosts, 0, NotStarted), (BundlePromotion, 71, AtRisk)],
            await day.ActivityTargetsAsync());

        // 13:00. The midday dip. Paid placements keep the impressions coming, but clicks fall away:
        // the click-through rate slips under 2% (within the 10% tolerance: at risk), and
        // engagements grew by 800 this hour against 2,000 the hour before. Engagements are still
        // well ahead of their target's pace; the trend alert is the early warning.
        await day.AtAsync(13, Coverage(2), Hashtag(engagements: 800, impressions: 100_000, clicks: 400), Bundles(11));
        await day.StatusesAreAsync(mentions: OnTrack, engagements: OnTrack, ctr: AtRisk, orders: AtRisk, launchDay: OnTrack);
        await day.NewAlertsAreAsync((Ctr, AlertReasons.AtRisk), (Engagements, AlertReasons.TrendDown));

        // 14:00. The dip deepens: the click-through rate is now far below target.
        // A video calling the line greenwashing goes round: 30 negative mentions in the hour. The
        // crisis rule tells every department at once, so PR, marketing and sales respond together.
        await day.AtAsync(14, Coverage(2), Hashtag(engagements: 800, impressions: 100_000, clicks: 300), Bundles(8), Backlash(30));
        await day.StatusesAreAsync(mentions: OnTrack, engagements: OnTrack, ctr: OffTrack, orders: AtRisk, launchDay: OnTrack);
        await day.NewAlertsAreAsync((Ctr, AlertReasons.OffTrack), ("-", AlertReasons.Trigger));
        var crisis = Assert.Single(await day.TriggersAsync(), a => a.Key!.StartsWith(Crisis.Id + "/"));
        Assert.Equal([Marketing, Pr, Sales], crisis.To);
        foreach (var department in new[] { Marketing, Pr, Sales }) Assert.Contains(await day.FeedOfAsync(department), e => e.Id == crisis.Id);

        // 15:00. Marketing swaps the creative and engagement recovers; orders keep lagging and fall
        // below 70% of the pace.
        // The influencer posts go out from now on, half of marketing's impressions and clicks.
        await day.AtAsync(15, Coverage(2), Hashtag(engagements: 1_200, impressions: 25_000, clicks: 500), Influencers(25_000, 500), Bundles(8));
        await day.StatusesAreAsync(mentions: OnTrack, engagements: OnTrack, ctr: OffTrack, orders: OffTrack, launchDay: OnTrack);
        await day.NewAlertsAreAsync((Orders, AlertReasons.OffTrack));

        // 15:30. Sales checks in, confident: the numbers say otherwise, and the war room is told.
        day.ClockAt(15, 30);
        var checkedIn = await day.CheckInAsync(Orders, Sales, confidence: 9, "Bundles will pick up after work hours.");
        Assert.Equal((Sales, 9), (checkedIn.LatestCheckIn!.Department, checkedIn.LatestCheckIn.Confidence));
        Assert.True(checkedIn.ConfidenceMismatch);
        await day.NewAlertsAreAsync((Orders, AlertReasons.ConfidenceMismatch));

        // 15:45. What sales hears in the stores reaches marketing.
        day.ClockAt(15, 45);
        await day.SalesFeedbackAsync(Orders, to: [Marketing], "Customers love the fabric but find the bundle price too high.");
        await day.NewAlertsAreAsync((Orders, AlertReasons.SalesFeedback));

        // 16:00. The Outdoor Weekly story lands: 26 mentions in an hour, and the goal is achieved.
        // Coverage is landing (26 mentions against 2 the hour before): the rule tells sales to expect inquiries.
        await day.AtAsync(16, Coverage(26), Hashtag(engagements: 1_500, impressions: 25_000, clicks: 500), Influencers(25_000, 500), Bundles(8));
        await day.StatusesAreAsync(mentions: Achieved, engagements: OnTrack, ctr: OffTrack, orders: OffTrack, launchDay: OnTrack);
        await day.NewAlertsAreAsync(("-", AlertReasons.Trigger));
        var coverage = Assert.Single(await day.TriggersAsync(), a => a.Key!.StartsWith(CoverageLanding.Id + "/"));
        Assert.Equal([Sales], coverage.To);
        Assert.Contains("expect inquiries", coverage.Text);
        Assert.Contains(await day.FeedOfAsync(Sales), e => e.Id == coverage.Id);
        Assert.DoesNotContain(await day.FeedOfAsync(Marketing), e => e.Id == coverage.Id);
        var warRoomFeed = (await day.WarRoom.GetSnapshotAsync()).Feed!;
        Assert.Contains(warRoomFeed, e => e is { Kind: FeedKind.StatusChange, GoalId: Mentions } && e.Text.Contains("achieved"));
        Assert.Equal(57.4, await day.LaunchDaySuccessIsTheWeightedAverageAsync());
        Assert.Equal((40, Achieved), (await day.ActivityTargetsAsync()).Where(a => a.Activity == PressBriefing).Select(a => (a.Value, a.Status)).Single());

        // 17:00 to 20:00. The evening: engagement climbs past 20,000 at 20:00; the click-through
        // rate recovers too slowly to get back above 2%, and orders stay far behind.
        await day.AtAsync(17, Hashtag(engagements: 1_000, impressions: 25_000, clicks: 500), Influencers(25_000, 500), Beach(800), Bundles(8));
        await day.AtAsync(18, Hashtag(engagements: 2_000, impressions: 25_000, clicks: 500), Influencers(25_000, 500), Bundles(8));
        await day.AtAsync(19, Hashtag(engagements: 2_000, impressions: 25_000, clicks: 500), Influencers(25_000, 500), Bundles(8));
        await day.AtAsync(20, Hashtag(engagements: 2_000, impressions: 25_000, clicks: 500), Influencers(25_000, 500), Bundles(8));
        await day.StatusesAreAsync(mentions: Achieved, engagements: Achieved, ctr: OffTrack, orders: OffTrack, launchDay: OnTrack);
        await day.NoNewAlertsAsync();

        // 08:00 the next morning. The day is over: what was reached is achieved, the rest missed.
        day.ClockAt(24 + 8);
        await day.StatusesAreAsync(mentions: Achieved, engagements: Achieved, ctr: Missed, orders: Missed, launchDay: Missed);
        Assert.Equal(
            [(Mentions, 40.0), (Engagements, 20_900.0), (Ctr, 12_700.0 / 750_000), (Orders, 138.0)],
            await Task.WhenAll(new[] { Mentions, Engagements, Ctr, Orders }.Select(async id => (id, (await day.Goal(id)).Progress!.Value))));
        // Mentions and engagements count 100 each, the click-through rate 84.67, orders 27.6 twice.
        Assert.Equal(67.97, await day.LaunchDaySuccessIsTheWeightedAverageAsync());

        // Every activity measured against its target: the press briefing brought its 40 mentions, the
        // hashtag its 15,000 engagements (19,600) and the influencer posts their 2,500 clicks (3,000,
        // at 19:00); the beach clean-up (1,300 of 2,000) and the bundle promotion (138 of 500) missed.
        Assert.Equal(
            [(PressBriefing, 40, Achieved), (BeachCleanup, 1_300, Missed), (HashtagCampaign, 19_600, Achieved), (InfluencerPosts, 3_000, Achieved), (BundlePromotion, 138, Missed)],
            await day.ActivityTargetsAsync());
        // Ratios per activity from that activity's summed parts: the influencer posts' click-through
        // rate against the hashtag's, and the campaign's from all of marketing's clicks and impressions.
        var results = await day.CampaignAsync();
        static double RateOf(TotalsView totals) => totals.Metrics.Single(m => m.Metric == "ctr").Value!.Value;
        Assert.Equal(3_000.0 / 150_000, RateOf(results.Activities.Single(a => a.Id == InfluencerPosts).Totals), 12);
        Assert.Equal(9_700.0 / 600_000, RateOf(results.Activities.Single(a => a.Id == HashtagCampaign).Totals), 12);
        Assert.Equal(12_700.0 / 750_000, RateOf(results.Totals), 12);

        // Each department's scorecard: its own totals and the activities it is in charge of.
        double Total(DepartmentScorecard card, string metric) => card.Totals.Metrics.Single(m => m.Metric == metric).Value!.Value;
        var pr = await day.ScorecardAsync(Pr);
        Assert.Equal([PressBriefing, BeachCleanup], pr.Activities.Select(a => a.Id));
        Assert.Equal((40, 1_300, 30), (Total(pr, "media_mentions"), Total(pr, "engagements"), Total(pr, "negative_mentions")));
        var marketing = await day.ScorecardAsync(Marketing);
        Assert.Equal([HashtagCampaign, InfluencerPosts], marketing.Activities.Select(a => a.Id));
        Assert.Equal((19_600, 12_700, 750_000), (Total(marketing, "engagements"), Total(marketing, "clicks"), Total(marketing, "impressions")));
        var sales = await day.ScorecardAsync(Sales);
        Assert.Equal([BundlePromotion], sales.Activities.Select(a => a.Id));
        Assert.Equal((138, 16_560), (Total(sales, "orders"), Total(sales, "revenue")));

        // Every alert the day raised, by goal, in the order they were raised.
        var alerts = await day.AlertsAsync();
        Assert.Equal(
            [
                $"{Mentions}: ",
                $"{Engagements}: {AlertReasons.TrendDown}",
                $"{Ctr}: {AlertReasons.AtRisk}, {AlertReasons.OffTrack}",
                $"{Orders}: {AlertReasons.AtRisk}, {AlertReasons.OffTrack}, {AlertReasons.ConfidenceMismatch}, {AlertReasons.SalesFeedback}",
                $"{Success}: ",
            ],
            new[] { Mentions, Engagements, Ctr, Orders, Success }.Select(id => $"{id}: {string.Join(", ", alerts.Where(a => a.GoalId == id).Select(a => a.Reason))}"));
        Assert.Equal(9, alerts.Count); // and the two triggers
        Assert.All(alerts, a => Assert.Equal([LaunchDay.Campaign], a.Campaigns));

        // The team freezes the day as a review to compare the next launch with...
        var review = await day.Organization.Grain.AddReviewAsync("eco-launch-day", "Eco line launch day");
        Assert.Equal(
            [(Ctr, Missed), (Engagements, Achieved), (Success, Missed), (Mentions, Achieved), (Orders, Missed)],
            review.Goals.Select(g => (g.Id, g.Status)).Order());

        // ...and replays the war room as it stood at noon, from the log.
        var noon = await day.WarRoom.ReplayAsync(Day.AddHours(12));
        var atNoon = noon.Goals.ToDictionary(g => g.Id);
        Assert.Equal((8.0, 8_800.0, 0.024, 71.0), (atNoon[Mentions].Progress, atNoon[Engagements].Progress, atNoon[Ctr].Progress, atNoon[Orders].Progress));
        Assert.Equal((OnTrack, AtRisk), (atNoon[Ctr].Status, atNoon[Orders].Status));
        Assert.Equal((38.48, OnTrack), (atNoon[Success].Percent, atNoon[Success].Status));
        Assert.Equal([FeedKind.Alert, FeedKind.Announcement], noon.Feed!.Select(e => e.Kind));
    }
}
