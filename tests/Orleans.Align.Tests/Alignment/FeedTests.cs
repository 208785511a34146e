using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Alignment;

/// <summary>
/// The shared feed: announcements one department makes for the others, check-ins and alerts;
/// filtered for a reader, and put on the boards they concern.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FeedTests(ClusterFixture cluster)
{
    private static FeedEntry Announcement(string from, string text, string[]? to = null, string? campaign = null, string? goalId = null) =>
        new(0, FeedKind.Announcement, default, text, from, to, campaign is null ? [] : [campaign], goalId);

    /// <summary>Four entries of different kinds, departments, campaigns and goals, posted in this order.</summary>
    private static async Task<TestOrganization> OrganizationWithAFeedAsync(ClusterFixture cluster)
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Feed.PostAsync(Announcement(Pr, "Coverage in Outdoor Weekly on Tuesday.", to: [Marketing, Sales], campaign: Launch));
        await org.Feed.PostAsync(Announcement(Sales, "Customers ask for bundles.", to: [Marketing]));
        await org.Feed.PostAsync(new FeedEntry(0, FeedKind.CheckIn, default, "Confident.", Marketing, GoalId: "leads"));
        await org.Feed.PostAsync(new FeedEntry(0, FeedKind.Alert, default, "Sales feedback.", Sales, Campaigns: [SpringSale], GoalId: "leads", SalesFeedback: true, Reason: AlertReasons.SalesFeedback));
        return org;
    }

    private static IReadOnlyList<long> Ids(BoardSnapshot board) => [.. (board.Feed ?? []).Select(e => e.Id)];

    private static async Task<IReadOnlyList<string>> TextsAsync(TestOrganization org, FeedQuery query) =>
        [.. (await org.Feed.ListAsync(query)).Select(e => e.Text)];

    [Fact]
    public async Task Posted_entry_is_numbered_and_stamped_and_the_feed_lists_newest_first()
    {
        var org = await cluster.NewOrganizationAsync();
        var before = DateTimeOffset.UtcNow;

        var first = await org.Feed.PostAsync(Announcement(Pr, "First."));
        var second = await org.Feed.PostAsync(Announcement(Pr, "Second."));

        Assert.Equal((1L, 2L), (first.Id, second.Id));
        Assert.InRange(first.At, before, DateTimeOffset.UtcNow);
        Assert.Equal(["Second.", "First."], await TextsAsync(org, new FeedQuery()));
    }

    [Fact]
    public async Task Entry_posted_with_a_time_keeps_it()
    {
        var org = await cluster.NewOrganizationAsync();
        var at = new DateTimeOffset(2025, 4, 22, 15, 45, 0, TimeSpan.Zero);

        var entry = await org.Feed.PostAsync(Announcement(Sales, "Heard at the store.") with { At = at });

        Assert.Equal(at, entry.At);
    }

    [Fact]
    public async Task Department_filter_lists_what_the_department_said_or_was_told()
    {
        var org = await OrganizationWithAFeedAsync(cluster);

        Assert.Equal(["Confident.", "Customers ask for bundles.", "Coverage in Outdoor Weekly on Tuesday."], await TextsAsync(org, new FeedQuery(Department: Marketing)));
        Assert.Equal(["Coverage in Outdoor Weekly on Tuesday."], await TextsAsync(org, new FeedQuery(Department: Pr)));
        Assert.Equal(["Sales feedback.", "Customers ask for bundles.", "Coverage in Outdoor Weekly on Tuesday."], await TextsAsync(org, new FeedQuery(Department: Sales)));
    }

    [Fact]
    public async Task Campaign_filter_lists_the_entries_that_name_the_campaign()
    {
        var org = await OrganizationWithAFeedAsync(cluster);

        Assert.Equal(["Coverage in Outdoor Weekly on Tuesday."], await TextsAsync(org, new FeedQuery(Campaign: Launch)));
        Assert.Equal(["Sales feedback."], await TextsAsync(org, new FeedQuery(Campaign: SpringSale)));
    }

    [Fact]
    public async Task Kind_filter_lists_one_kind_of_entry()
    {
        var org = await OrganizationWithAFeedAsync(cluster);

        Assert.Equal(["Customers ask for bundles.", "Coverage in Outdoor Weekly on Tuesday."], await TextsAsync(org, new FeedQuery(Kind: FeedKind.Announcement)));
        Assert.Equal(["Sales feedback."], await TextsAsync(org, new FeedQuery(Kind: FeedKind.Alert)));
    }

    [Fact]
    public async Task Goal_filter_lists_the_entries_about_the_goal()
    {
        var org = await OrganizationWithAFeedAsync(cluster);

        Assert.Equal(["Sales feedback.", "Confident."], await TextsAsync(org, new FeedQuery(GoalId: "leads")));
        Assert.Empty(await TextsAsync(org, new FeedQuery(GoalId: "other")));
    }

    [Fact]
    public async Task Filters_combine()
    {
        var org = await OrganizationWithAFeedAsync(cluster);

        Assert.Equal(["Customers ask for bundles.", "Coverage in Outdoor Weekly on Tuesday."], await TextsAsync(org, new FeedQuery(Department: Sales, Kind: FeedKind.Announcement)));
        Assert.Equal(["Coverage in Outdoor Weekly on Tuesday."], await TextsAsync(org, new FeedQuery(Department: Sales, Kind: FeedKind.Announcement, Before: 2)));
    }

    [Fact]
    public async Task Before_and_limit_page_backwards_through_the_feed()
    {
        var org = await OrganizationWithAFeedAsync(cluster);

        var newest = await org.Feed.ListAsync(new FeedQuery(Limit: 2));
        var older = await org.Feed.ListAsync(new FeedQuery(Before: newest[^1].Id, Limit: 2));
        var oldest = await org.Feed.ListAsync(new FeedQuery(Before: older[^1].Id, Limit: 2));

        Assert.Equal([4L, 3L], newest.Select(e => e.Id));
        Assert.Equal([2L, 1L], older.Select(e => e.Id));
        Assert.Empty(oldest);
    }

    [Fact]
    public async Task Entry_reaches_the_overview_board()
    {
        var org = await cluster.NewOrganizationAsync();

        var entry = await org.Feed.PostAsync(Announcement(Sales, "Customers ask for bundles.", to: [Marketing]));

        Assert.Equal([entry.Id], Ids(await org.Board(BoardIds.Overview).GetSnapshotAsync()));
    }

    [Fact]
    public async Task Entry_reaches_a_campaign_board_only_when_it_names_the_campaign()
    {
        var org = await cluster.NewOrganizationAsync();

        var launch = await org.Feed.PostAsync(Announcement(Pr, "Coverage in Outdoor Weekly on Tuesday.", campaign: Launch));
        var general = await org.Feed.PostAsync(Announcement(Sales, "Customers ask for bundles."));

        Assert.Equal([launch.Id], Ids(await org.Board(BoardIds.ForCampaign(Launch)).GetSnapshotAsync()));
        Assert.Empty(Ids(await org.Board(BoardIds.ForCampaign(SpringSale)).GetSnapshotAsync()));
        Assert.Equal([general.Id, launch.Id], Ids(await org.Board(BoardIds.Overview).GetSnapshotAsync()));
    }

    [Fact]
    public async Task Goal_alert_reaches_the_war_room_of_the_goals_campaign()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.RaiseAlertsAtOnceAsync();

        // A month-long launch goal that ends in an hour with nothing done starts out off track.
        var now = DateTimeOffset.UtcNow;
        await org.Grain.CreateGoalAsync(new GoalDefinition("leads", "Launch leads", "leads", 1_000, [Marketing], GoalScope.Of(campaign: Launch), now.AddDays(-30), now.AddHours(1)));

        var warRoom = await org.Board(BoardIds.ForCampaign(Launch)).GetSnapshotAsync();
        var alert = Assert.Single(warRoom.Feed!);
        Assert.Equal((FeedKind.Alert, AlertReasons.OffTrack, "leads"), (alert.Kind, alert.Reason, alert.GoalId));
        Assert.Empty((await org.Board(BoardIds.ForCampaign(SpringSale)).GetSnapshotAsync()).Feed!);
    }
}
