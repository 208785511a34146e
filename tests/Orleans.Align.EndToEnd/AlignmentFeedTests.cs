using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>The human side of alignment: check-ins, announcements, sales feedback, and the shared feed that carries them.</summary>
[Collection(SystemCollection.Name)]
public sealed class AlignmentFeedTests(AlignSystem system)
{
    /// <summary>
    /// A goal that has not started yet: it raises no pace alerts, so the feed holds exactly what a test posts.
    /// </summary>
    private async Task<Tenant> QuietOrganizationAsync(string prefix, params string[] campaigns)
    {
        var tenant = await system.CreateTenantAsync(prefix);
        await tenant.SeedOrganizationAsync(campaigns);
        await tenant.CreateGoalAsync(Goal("brief", "leads", start: DateTimeOffset.UtcNow.AddDays(1)));
        return tenant;
    }

    private static object CheckIn(string department, int confidence, string note) => new { department, confidence, note };

    [Fact]
    public async Task A_check_in_returns_the_goal_with_its_latest_check_in()
    {
        var tenant = await QuietOrganizationAsync("ci");

        var returned = await tenant.PostOkAsync("/api/v1/goals/brief/check-ins", CheckIn("sales", 6, "Pipeline looks thin"));

        Assert.Equal("brief", returned["id"].Text());
        var latest = returned["latestCheckIn"]!;
        Assert.Equal("sales", latest["department"].Text());
        Assert.Equal(6, latest["confidence"].Number());
        Assert.Equal("Pipeline looks thin", latest["note"].Text());
        Assert.True(JsonNode.DeepEquals(latest, (await tenant.GetOkAsync("/api/v1/goals/brief"))["latestCheckIn"]));
    }

    [Fact]
    public async Task A_check_in_is_posted_to_the_feed()
    {
        var tenant = await QuietOrganizationAsync("cifeed");

        await tenant.PostOkAsync("/api/v1/goals/brief/check-ins", CheckIn("sales", 6, "Pipeline looks thin"));

        var entry = Assert.Single((await tenant.GetOkAsync("/api/v1/feed")).AsArray())!;
        Assert.Equal("checkIn", entry["kind"].Text());
        Assert.Equal("sales", entry["department"].Text());
        Assert.Equal("brief", entry["goalId"].Text());
        Assert.Equal(["launch"], entry["campaigns"]!.AsArray().Select(c => c.Text()));
        Assert.Equal(6, entry["confidence"]!.GetValue<int>());
        Assert.Equal("Pipeline looks thin", entry["text"].Text());
    }

    [Fact]
    public async Task An_announcement_is_created_on_the_feed_where_its_location_finds_it()
    {
        var tenant = await QuietOrganizationAsync("ann");

        using var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/feed/announcements",
            new { from = "marketing", to = new[] { "sales", "pr" }, text = "Launch moves to Tuesday", campaign = "launch" });
        var created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("announcement", created["kind"].Text());
        Assert.Equal("marketing", created["department"].Text());
        Assert.Equal(["sales", "pr"], created["to"]!.AsArray().Select(d => d.Text()));
        Assert.Equal(["launch"], created["campaigns"]!.AsArray().Select(c => c.Text()));
        Assert.False(created["salesFeedback"]!.GetValue<bool>());
        Assert.Contains("Launch moves to Tuesday", created["text"].Text());
        var located = await tenant.GetOkAsync(response.Headers.Location!.OriginalString);
        Assert.True(JsonNode.DeepEquals(created, Assert.Single(located.AsArray())));
    }

    [Fact]
    public async Task Sales_feedback_on_a_goal_raises_a_sales_feedback_alert()
    {
        var tenant = await QuietOrganizationAsync("sfb");

        using var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/feed/announcements",
            new { from = "sales", to = new[] { "marketing" }, text = "These leads do not buy", goal = "brief", salesFeedback = true });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var alert = Assert.Single((await tenant.GetOkAsync("/api/v1/feed?kind=alert")).AsArray())!;
        Assert.Equal("sales_feedback", alert["reason"].Text());
        Assert.Equal("brief", alert["goalId"].Text());
        Assert.True(alert["salesFeedback"]!.GetValue<bool>());
        Assert.Equal(["launch"], alert["campaigns"]!.AsArray().Select(c => c.Text())); // from the goal's scope
        Assert.Contains("These leads do not buy", alert["text"].Text());
    }

    /// <summary>
    /// The feed of <see cref="FeedOrganizationAsync"/>, newest first: A3 (sales → marketing, pr),
    /// C1 (sales checks in on the launch goal), A2 (pr → everyone, spring), A1 (marketing → sales, launch).
    /// "{C1}" in a query stands for that entry's id.
    /// </summary>
    public static TheoryData<string, string[]> FeedQueries => new()
    {
        { "", ["A3", "C1", "A2", "A1"] },
        { "department=sales", ["A3", "C1", "A1"] },
        { "department=pr", ["A3", "A2"] },
        { "campaign=launch", ["C1", "A1"] },
        { "campaign=spring", ["A2"] },
        { "kind=checkIn", ["C1"] },
        { "kind=announcement", ["A3", "A2", "A1"] },
        { "kind=alert", [] },
        { "goal=brief", ["C1"] },
        { "limit=2", ["A3", "C1"] },
        { "before={C1}", ["A2", "A1"] },
        { "before={C1}&limit=1", ["A2"] },
        { "department=sales&kind=announcement", ["A3", "A1"] },
    };

    [Theory]
    [MemberData(nameof(FeedQueries))]
    public async Task The_feed_filters_by_department_campaign_kind_goal_and_pages_by_before_and_limit(string query, string[] expected)
    {
        var tenant = await SharedTenant.GetAsync(system, "feedq", FeedOrganizationAsync);
        var all = (await tenant.GetOkAsync("/api/v1/feed")).AsArray();
        var ids = all.ToDictionary(Marker, e => e!["id"]!.GetValue<long>());

        var path = "/api/v1/feed?" + ids.Aggregate(query, (q, id) => q.Replace($"{{{id.Key}}}", id.Value.ToString()));
        var entries = (await tenant.GetOkAsync(path)).AsArray();

        Assert.Equal(expected, entries.Select(Marker));
    }

    private static readonly string[] Markers = ["A1", "A2", "A3", "C1"];

    private static string Marker(JsonNode? entry) => Markers.Single(m => entry!["text"].Text().EndsWith(m, StringComparison.Ordinal));

    private static async Task FeedOrganizationAsync(Tenant tenant)
    {
        await tenant.SeedOrganizationAsync("launch", "spring");
        await tenant.CreateGoalAsync(Goal("brief", "leads", start: DateTimeOffset.UtcNow.AddDays(1)));
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "marketing", to = new[] { "sales" }, text = "A1", campaign = "launch" });
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "pr", text = "A2", campaign = "spring" });
        await tenant.PostOkAsync("/api/v1/goals/brief/check-ins", CheckIn("sales", 5, "C1"));
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "sales", to = new[] { "marketing", "pr" }, text = "A3" });
    }

    [Fact]
    public async Task A_campaign_board_carries_the_feed_of_its_campaign()
    {
        var tenant = await QuietOrganizationAsync("bfeed", "launch", "spring");
        await tenant.PostOkAsync("/api/v1/goals/brief/check-ins", CheckIn("sales", 5, "launch check-in"));
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "pr", text = "spring news", campaign = "spring" });
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "marketing", text = "launch news", campaign = "launch" });

        var board = await tenant.GetOkAsync("/api/v1/boards/campaign:launch");
        var overview = await tenant.GetOkAsync("/api/v1/boards/overview");

        Assert.Equal(["announcement", "checkIn"], board["feed"]!.AsArray().Select(e => e!["kind"].Text()));
        Assert.EndsWith("launch news", board["feed"]![0]!["text"].Text());
        Assert.Equal(3, overview["feed"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_board_watcher_gets_the_feed_in_its_snapshot_and_new_entries_live()
    {
        var tenant = await QuietOrganizationAsync("wfeed");
        await tenant.PostOkAsync("/api/v1/goals/brief/check-ins", CheckIn("pr", 8, "Press kit ready"));
        var readKey = await tenant.CreateReadKeyAsync();
        var updates = Channel.CreateUnbounded<JsonElement>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(system.Gateway, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(readKey))
            .Build();
        hub.On<JsonElement>("boardUpdate", u => updates.Writer.TryWrite(u));
        await hub.StartAsync();

        var snapshot = await hub.InvokeAsync<JsonElement>("WatchBoard", "campaign:launch");
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "marketing", text = "Go live at noon", campaign = "launch" });

        var snapshotFeed = Assert.Single(snapshot.GetProperty("feed").EnumerateArray());
        Assert.Equal("checkIn", snapshotFeed.GetProperty("kind").GetString());
        Assert.EndsWith("Press kit ready", snapshotFeed.GetProperty("text").GetString());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        JsonElement? entry = null;
        while (entry is null)
        {
            var update = await updates.Reader.ReadAsync(timeout.Token);
            entry = update.GetProperty("feed").EnumerateArray()
                .Where(e => e.GetProperty("kind").GetString() == "announcement").Select(e => (JsonElement?)e).FirstOrDefault();
        }
        Assert.EndsWith("Go live at noon", entry.Value.GetProperty("text").GetString());
    }
}
