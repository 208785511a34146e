using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Every bad request to the alignment endpoints gets a 4xx problem document (validation problems name
/// the field) and leaves the organization exactly as it was.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AlignmentValidationTests(AlignSystem system)
{
    private const string Period = "\"start\":\"2026-01-01T00:00:00Z\",\"end\":\"2027-01-01T00:00:00Z\"";

    public static TheoryData<string, int, string?> BadMetrics => new()
    {
        { """{"name":"No key","kind":"additive"}""", 400, "key" },
        { """{"key":"Lead Rate","name":"X","kind":"additive"}""", 400, "key" },
        { """{"key":"x_total","kind":"additive"}""", 400, "name" },
        { """{"key":"x_total","name":"X"}""", 400, "kind" },
        { """{"key":"x_total","name":"X","kind":"sideways"}""", 400, null },
        { """{"key":"x_rate","name":"X","kind":"ratio"}""", 400, "formula.numerator" },
        { """{"key":"x_rate","name":"X","kind":"ratio","formula":{"numerator":[{"metric":"leads"}]}}""", 400, "formula.denominator" },
        { """{"key":"x_rate","name":"X","kind":"ratio","formula":{"numerator":[{"metric":"leads","coefficient":0}],"denominator":[{"metric":"visits"}]}}""", 400, "formula.numerator[0].coefficient" },
        { """{"key":"x_total","name":"X","kind":"additive","formula":{"numerator":[{"metric":"leads"}],"denominator":[{"metric":"visits"}]}}""", 400, "formula" },
        { """{"key":"x_rate","name":"X","kind":"ratio","formula":{"numerator":[{"metric":"mystery"}],"denominator":[{"metric":"visits"}]}}""", 400, null },
        { """{"key":"x_rate","name":"X","kind":"ratio","formula":{"numerator":[{"metric":"followers"}],"denominator":[{"metric":"visits"}]}}""", 400, null },
        { """{"key":"x_rate","name":"X","kind":"ratio","formula":{"numerator":[{"metric":"cac"}],"denominator":[{"metric":"visits"}]}}""", 400, null },
        { """{"key":"leads","name":"Leads again","kind":"additive"}""", 409, null },
    };

    [Theory]
    [MemberData(nameof(BadMetrics))]
    public Task A_bad_metric_is_refused_and_changes_nothing(string body, int status, string? field) =>
        RefusedAsync(HttpMethod.Post, "/api/v1/metrics", body, status, field);

    public static TheoryData<string, int, string?> BadGoals => new()
    {
        { $$"""{"id":"g1","title":"X","metric":"mystery","target":5,"owners":["marketing"],{{Period}}}""", 400, null },
        { $$"""{"id":"g1","title":"X","metric":"leads","target":5,"owners":["marketing"],"parent":"ghost",{{Period}}}""", 400, null },
        { $$"""{"id":"g1","title":"X","metric":"leads","target":5,"owners":["marketing"],"parent":"g1",{{Period}}}""", 400, null },
        { $$"""{"id":"g1","title":"X","metric":"spend","kind":"decreaseTo","baseline":50,"target":80,"owners":["marketing"],{{Period}}}""", 400, "target" },
        { $$"""{"id":"g1","title":"X","metric":"leads","baseline":10,"target":5,"owners":["marketing"],{{Period}}}""", 400, "target" },
        { $$"""{"id":"g1","title":"X","metric":"leads","target":5,"weight":0,"owners":["marketing"],{{Period}}}""", 400, "weight" },
        { $$"""{"id":"g1","title":"X","rollUp":"children","kind":"decreaseTo","baseline":200,"target":100,"owners":["marketing"],{{Period}}}""", 400, "kind" },
        { $$"""{"id":"g1","title":"X","metric":"leads","target":5,"kind":"sideways","owners":["marketing"],{{Period}}}""", 400, null },
        { $$"""{"id":"g1","title":"X","metric":"leads","target":5,"rollUp":"everything","owners":["marketing"],{{Period}}}""", 400, null },
        { $$"""{"id":"g1","title":"X","metric":"leads","target":5,"owners":["marketing"],"scope":{"campaigns":["ghost"]},{{Period}}}""", 400, null },
        { """{"id":"g1","title":"X","metric":"leads","target":5,"owners":["marketing"],"start":"2027-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z"}""", 400, "end" },
    };

    [Theory]
    [MemberData(nameof(BadGoals))]
    public Task A_bad_goal_is_refused_and_changes_nothing(string body, int status, string? field) =>
        RefusedAsync(HttpMethod.Post, "/api/v1/goals", body, status, field);

    public static TheoryData<string, string, int, string?> BadCheckIns => new()
    {
        { "launch-leads", """{"department":"sales","confidence":11,"note":"x"}""", 400, "confidence" },
        { "launch-leads", """{"department":"sales","confidence":-1,"note":"x"}""", 400, "confidence" },
        { "launch-leads", """{"department":"sales","note":"no number"}""", 400, "confidence" },
        { "launch-leads", """{"department":"sales","confidence":7.5}""", 400, null },
        { "launch-leads", """{"department":"legal","confidence":5}""", 400, "department" },
        { "launch-leads", """{"confidence":5}""", 400, "department" },
        { "ghost", """{"department":"sales","confidence":5}""", 404, null },
    };

    [Theory]
    [MemberData(nameof(BadCheckIns))]
    public Task A_bad_check_in_is_refused_and_changes_nothing(string goal, string body, int status, string? field) =>
        RefusedAsync(HttpMethod.Post, $"/api/v1/goals/{goal}/check-ins", body, status, field);

    public static TheoryData<string, int, string?> BadAnnouncements => new()
    {
        { """{"from":"marketing","to":["sales"]}""", 400, "text" },
        { """{"to":["sales"],"text":"hi"}""", 400, "from" },
        { """{"from":"marketing","to":["legal"],"text":"hi"}""", 400, "to" },
        { """{"from":"legal","text":"hi"}""", 400, "from" },
        { """{"from":"sales","text":"bad leads","salesFeedback":true}""", 400, "goal" },
        { """{"from":"marketing","text":"hi","campaign":"ghost"}""", 400, "campaign" },
        { """{"from":"marketing","text":"hi","goal":"ghost"}""", 404, null },
    };

    [Theory]
    [MemberData(nameof(BadAnnouncements))]
    public Task A_bad_announcement_is_refused_and_changes_nothing(string body, int status, string? field) =>
        RefusedAsync(HttpMethod.Post, "/api/v1/feed/announcements", body, status, field);

    public static TheoryData<string, int, string?> BadReviews => new()
    {
        { """{"id":"q1","name":"Q1 again"}""", 409, null },
        { """{"id":"Bad Id","name":"X"}""", 400, "id" },
        { """{"id":"q2"}""", 400, "name" },
    };

    [Theory]
    [MemberData(nameof(BadReviews))]
    public Task A_bad_review_is_refused_and_changes_nothing(string body, int status, string? field) =>
        RefusedAsync(HttpMethod.Post, "/api/v1/reviews", body, status, field);

    public static TheoryData<string, int, string?> BadSettings => new()
    {
        { """{"atRiskRatio":0.95}""", 400, "atRiskRatio" },
        { """{"onTrackRatio":0.6}""", 400, "atRiskRatio" },
        { """{"onTrackRatio":0}""", 400, "onTrackRatio" },
        { """{"trendDrop":1.5}""", 400, "trendDrop" },
        { """{"trendWindowMinutes":0}""", 400, "trendWindowMinutes" },
        { """{"trendWindowMinutes":721}""", 400, "trendWindowMinutes" },
        { """{"highConfidence":2}""", 400, "highConfidence" },
        { """{"alertHoldMinutes":-1}""", 400, "alertHoldMinutes" },
        { """{"alertHoldMinutes":1441}""", 400, "alertHoldMinutes" },
        { """{"onTrackRatio":"high"}""", 400, null },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public Task Bad_settings_are_refused_and_change_nothing(string body, int status, string? field) =>
        RefusedAsync(HttpMethod.Put, "/api/v1/settings", body, status, field);

    /// <summary>Each batch starts with a good event: the bad one must refuse the batch whole.</summary>
    public static TheoryData<string> BadEventMetrics => new() { "mystery_metric", "cac", "conversion_rate" };

    [Theory]
    [MemberData(nameof(BadEventMetrics))]
    public Task An_event_on_an_unknown_or_ratio_metric_refuses_its_whole_batch(string metric) =>
        RefusedAsync(HttpMethod.Post, "/api/v1/events",
            $$"""{"events":[{"id":"good-1","metric":"leads","value":1,"campaign":"launch"},{"id":"bad-1","metric":"{{metric}}","value":1,"campaign":"launch"}]}""",
            400, null);

    /// <summary>"{past}" and "{future}" stand for an hour before and after the request.</summary>
    public static TheoryData<string, int, string?> BadQueries => new()
    {
        { "/api/v1/feed?kind=bogus", 400, "kind" },
        { "/api/v1/feed?kind=3", 400, "kind" },
        { "/api/v1/feed?kind=announcement,statusChange", 400, "kind" },
        { "/api/v1/feed?kind=1,2", 400, "kind" },
        { "/api/v1/feed?before=0", 400, "before" },
        { "/api/v1/feed?limit=0", 400, "limit" },
        { "/api/v1/feed?limit=100000", 400, "limit" },
        { "/api/v1/feed?department=Sales%20Team", 400, "department" },
        { "/api/v1/goals/launch-leads/history?resolution=hour", 400, "resolution" },
        { "/api/v1/goals/ghost/history", 404, null },
        { "/api/v1/goals/launch-leads/events?limit=0", 400, "limit" },
        { "/api/v1/goals/launch-leads/events?limit=501", 400, "limit" },
        { "/api/v1/goals/launch-leads/events?before=0", 400, "before" },
        { "/api/v1/goals/ghost/events", 404, null },
        { "/api/v1/boards/campaign:launch/replay", 400, "at" },
        { "/api/v1/boards/campaign:launch/replay?at={future}", 400, "at" },
        { "/api/v1/boards/campaign:launch/replay?at=yesterday", 400, null },
        { "/api/v1/boards/campaign:ghost/replay?at={past}", 404, null },
        { "/api/v1/boards/war-room/replay?at={past}", 404, null },
        { "/api/v1/reviews/ghost", 404, null },
        { "/api/v1/reviews/ghost/comparison", 404, null },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task A_bad_query_is_refused_with_a_problem_document(string path, int status, string? field)
    {
        var tenant = await ValidationTenantAsync();
        path = path.Replace("{past}", Query(DateTimeOffset.UtcNow.AddHours(-1))).Replace("{future}", Query(DateTimeOffset.UtcNow.AddHours(1)));

        using var response = await tenant.SendAsync(HttpMethod.Get, path);

        await AssertProblemAsync(response, status, field);
    }

    [Fact]
    public async Task The_good_events_of_a_refused_batch_can_be_sent_again_and_count_once()
    {
        var tenant = await system.CreateTenantAsync("again");
        var (_, goal) = await tenant.SeedLaunchAsync();
        using var refused = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events",
            new { events = new[] { Event("g1", "leads", 5), Event("c1", "cac", 1) } });
        await AssertProblemAsync(refused, 400);

        var resent = await tenant.IngestAsync(Event("g1", "leads", 5));

        Assert.Equal(1, resent["accepted"]!.GetValue<int>());
        Assert.Equal(0, resent["duplicates"]!.GetValue<int>());
        await Eventually.EqualAsync(5, () => tenant.ProgressAsync(goal));
    }

    private async Task RefusedAsync(HttpMethod method, string path, string body, int status, string? field)
    {
        var tenant = await ValidationTenantAsync();
        var before = await SnapshotAsync(tenant);

        using var response = await tenant.SendAsync(method, path, body);

        await AssertProblemAsync(response, status, field);
        Assert.Equal(before, await SnapshotAsync(tenant));
    }

    /// <summary>
    /// The launch with an achieved goal (its status settles, so the feed stops moving), the alerts and
    /// status change that got it there, and a review.
    /// </summary>
    private Task<Tenant> ValidationTenantAsync() => SharedTenant.GetAsync(system, "valid", async tenant =>
    {
        var (_, goal) = await tenant.SeedLaunchAsync(target: 10);
        await tenant.PostEventsAsync(("seed", 10));
        await tenant.GetUntilAsync($"/api/v1/feed?kind=statusChange&goal={goal}", f => f.AsArray().Count > 0);
        await tenant.PostOkAsync("/api/v1/reviews", new { id = "q1", name = "Q1" });
    });

    private static readonly string[] SnapshotPaths =
    [
        "/api/v1/departments", "/api/v1/campaigns", "/api/v1/goals", "/api/v1/metrics", "/api/v1/settings",
        "/api/v1/reviews", "/api/v1/reviews/q1", "/api/v1/feed?limit=500", "/api/v1/goals/launch-leads/events",
    ];

    private static async Task<string> SnapshotAsync(Tenant tenant)
    {
        var parts = new List<string>();
        foreach (var path in SnapshotPaths)
        {
            var node = await tenant.GetOkAsync(path);
            // Expected progress moves with the clock, not with anything a request does.
            if (path == "/api/v1/goals") foreach (var goal in node.AsArray()) goal!.AsObject().Remove("expectedPercent");
            parts.Add($"{path}: {node.ToJsonString()}");
        }
        return string.Join("\n", parts);
    }
}
