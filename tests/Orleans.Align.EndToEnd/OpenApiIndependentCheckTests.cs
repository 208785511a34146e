using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The OpenAPI document checked by a checker that shares no code with the server
/// (<c>tests/openapi-check</c>, published validators run by Node): the served document against the
/// OpenAPI 3.1 schema, and real exchanges with the gateway, for success and for every kind of
/// refusal of every operation, against the document: status, content type, body schema, required
/// headers, and requests the server accepted (valid by the document) or refused because the test
/// broke a constraint on purpose (invalid by the document too).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OpenApiIndependentCheckTests(AlignSystem system)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task An_independent_checker_finds_the_document_valid_and_every_recorded_exchange_as_the_document_says()
    {
        var recorder = new Recorder(system);
        await DriveEveryOperationAsync(recorder);

        var document = await system.Http.GetStringAsync("/openapi/v1.json");
        var report = await CheckAsync(document, recorder.Exchanges, "all");

        Assert.True(report["document"]!["valid"]!.GetValue<bool>(), $"The document is not valid OpenAPI: {report["document"]!.ToJsonString()}");
        var mismatches = report["mismatches"]!.AsArray();
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatch(es):\n{string.Join("\n", mismatches.Select(m => $"{m!["exchange"]}: {m["problem"]}"))}");
        Assert.Equal(recorder.Exchanges.Count, report["checked"]!.GetValue<int>());

        // Every operation of the document was driven, to a success and to at least one refusal.
        var operations = JsonNode.Parse(document)!["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => (Method: m.Key.ToUpperInvariant(), Template: p.Key))).ToList();
        foreach (var (method, template) in operations)
        {
            var driven = recorder.Exchanges.Where(x => x.Method == method && Matches(template, x.Path)).ToList();
            Assert.True(driven.Any(x => x.Status < 300), $"{method} {template} was not driven to a success.");
            Assert.True(driven.Any(x => x.Status >= 400), $"{method} {template} was not driven to a refusal.");
        }
        foreach (var status in new[] { 400, 401, 403, 404, 409, 413, 415, 429 })
            Assert.True(recorder.Exchanges.Any(x => x.Status == status), $"No exchange answered {status}.");
    }

    [Fact]
    public async Task The_independent_checker_reports_an_answer_the_document_does_not_describe()
    {
        var tenant = await system.CreateTenantAsync("oc-wrong");
        var (_, goal) = await tenant.SeedLaunchAsync();
        var recorder = new Recorder(system);
        var real = await recorder.SendAsync(HttpMethod.Get, $"/api/v1/goals/{goal}", tenant.ApiKey);
        var wrong = recorder.Exchanges[0];
        var document = await system.Http.GetStringAsync("/openapi/v1.json");

        var report = await CheckAsync(document, [
            wrong,
            // A status the operation does not declare.
            wrong with { Status = 418 },
            // A body that breaks the declared schema: a number as text, a required member missing.
            wrong with { Body = real.Body!.AsObject().DeepClone().AsObject().Let(b => { b["progress"] = "lots"; b.Remove("id"); }).ToJsonString() },
            // A content type the response does not declare.
            wrong with { ContentType = "text/html" },
            // A constraint the server enforced (it refused) that the document would not state.
            new Exchange("POST", "/api/v1/reviews", "application/json", """{"id":"fine","name":"Fine"}""", "id off pattern", 400, "application/problem+json", [], """{"status":400}"""),
        ], "wrong");

        var problems = report["mismatches"]!.AsArray().Select(m => m!["problem"]!.GetValue<string>()).ToList();
        // The real exchange alone is not reported: exactly the four wrong ones are.
        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("status 418 is not declared", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("does not match the declared schema", StringComparison.Ordinal) && p.Contains("progress", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("content type text/html is not declared", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("does not state that constraint", StringComparison.Ordinal));
    }

    /// <summary>Each operation once as it should succeed, and refused for each reason it declares that a test can cause.</summary>
    private async Task DriveEveryOperationAsync(Recorder r)
    {
        var tenant = await system.CreateTenantAsync("oc");
        var key = tenant.ApiKey;
        var read = await tenant.CreateReadKeyAsync();
        const string Platform = AlignSystem.PlatformAdminKey;
        const string Unknown = "ak_unknown_key_that_was_never_issued_000000";

        // Organizations and their limits (the platform operator's).
        var orgId = $"oc-org-{Guid.NewGuid():N}"[..20];
        var createdOrg = await r.SendAsync(HttpMethod.Post, "/api/v1/orgs", Platform, new { id = orgId, name = "Checked org" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/orgs", Platform, new { id = orgId, name = "Again" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/orgs", Platform, new { id = "Not An Id", name = "Bad" }, broken: "id off pattern");
        await r.SendAsync(HttpMethod.Post, "/api/v1/orgs", Platform, new { id = "no-name" }, broken: "name missing");
        await r.SendAsync(HttpMethod.Post, "/api/v1/orgs", key, new { id = "oc-tenant-tries", name = "Tenant" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/orgs", null, new { id = "oc-anonymous", name = "Anonymous" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/orgs", Platform, """{"id":"oc-text","name":"Text"}""", contentType: "text/plain");
        await r.SendAsync(HttpMethod.Get, $"/api/v1/orgs/{tenant.Id}/limits", Platform);
        await r.SendAsync(HttpMethod.Get, "/api/v1/orgs/no-such-org-here/limits", Platform);
        await r.SendAsync(HttpMethod.Get, $"/api/v1/orgs/{tenant.Id}/limits", key);
        await r.SendAsync(HttpMethod.Put, $"/api/v1/orgs/{orgId}/limits", Platform, new { requestsPerSecondPerKey = 1_000, requestBurstPerKey = 2_000 });
        await r.SendAsync(HttpMethod.Put, $"/api/v1/orgs/{orgId}/limits", Platform, new { requestsPerSecondPerKey = 0 }, broken: "requestsPerSecondPerKey below its minimum");
        await r.SendAsync(HttpMethod.Put, "/api/v1/orgs/no-such-org-here/limits", Platform, new { requestsPerSecondPerKey = 10 });

        // Departments, campaigns, activities.
        foreach (var d in new[] { "marketing", "pr", "sales" }) await r.SendAsync(HttpMethod.Post, "/api/v1/departments", key, new { id = d, name = d.ToUpperInvariant() });
        await r.SendAsync(HttpMethod.Post, "/api/v1/departments", key, new { id = "sales", name = "Again" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/departments", key, new { id = "-dash", name = "Dash" }, broken: "id off pattern");
        await r.SendAsync(HttpMethod.Post, "/api/v1/departments", key, new { id = "big", name = new string('x', 300 * 1024) });
        await r.SendAsync(HttpMethod.Post, "/api/v1/departments", read, new { id = "readers", name = "Readers" });
        await r.SendAsync(HttpMethod.Get, "/api/v1/departments", key);
        await r.SendAsync(HttpMethod.Put, "/api/v1/departments/pr", key, new { name = "Public relations" });
        await r.SendAsync(HttpMethod.Put, "/api/v1/departments/no-such-department", key, new { name = "Nobody" });
        await r.SendAsync(HttpMethod.Put, "/api/v1/departments/pr", key, new { name = "" }, broken: "name empty");
        await r.SendAsync(HttpMethod.Put, "/api/v1/departments/pr", read, new { name = "Readers" });
        await r.SendAsync(HttpMethod.Get, "/api/v1/departments", Unknown);
        await r.SendAsync(HttpMethod.Post, "/api/v1/campaigns", key, new
        {
            id = "launch",
            name = "Launch",
            departments = new[] { "marketing", "pr", "sales" },
            activities = new object[]
            {
                new { id = "webinar", department = "marketing", name = "Webinar", metrics = new[] { "leads", "visits" }, targets = new[] { new { metric = "leads", target = 100 } } },
            },
            launch = new { start = Now.AddDays(-1), end = Now.AddDays(1) },
        });
        await r.SendAsync(HttpMethod.Post, "/api/v1/campaigns", key, new { id = "launch", name = "Again", departments = new[] { "marketing" } });
        await r.SendAsync(HttpMethod.Post, "/api/v1/campaigns", key, new { id = "c2", name = new string('n', 201), departments = new[] { "marketing" } }, broken: "name too long");
        await r.SendAsync(HttpMethod.Get, "/api/v1/campaigns", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/campaigns/launch", key);
        await r.SendAsync(HttpMethod.Put, "/api/v1/campaigns/launch", key, new
        {
            name = "Launch, renamed", departments = new[] { "marketing", "pr", "sales" }, launch = new { start = Now.AddDays(-2), end = Now.AddDays(1) },
        });
        await r.SendAsync(HttpMethod.Put, "/api/v1/campaigns/no-such-campaign", key, new { name = "Nothing" });
        // The webinar's department left out: 409.
        await r.SendAsync(HttpMethod.Put, "/api/v1/campaigns/launch", key, new { name = "Launch", departments = new[] { "pr" }, launch = new { start = Now.AddDays(-2), end = Now.AddDays(1) } });
        await r.SendAsync(HttpMethod.Put, "/api/v1/campaigns/launch", key, new { name = "Launch", departments = new[] { "Not An Id" } }, broken: "departments item off pattern");
        await r.SendAsync(HttpMethod.Put, "/api/v1/campaigns/launch", key, new { name = "Launch", activities = Array.Empty<object>() });
        await r.SendAsync(HttpMethod.Put, "/api/v1/campaigns/launch", read, new { name = "Readers" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/campaigns", key, new { id = "to-archive", name = "To archive", departments = new[] { "pr" } });
        await r.SendAsync(HttpMethod.Post, "/api/v1/campaigns/to-archive/archive", key, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/campaigns/to-archive/archive", read, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/campaigns/no-such-campaign/archive", key, new { });
        await r.SendAsync(HttpMethod.Get, "/api/v1/campaigns?archived=true", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/campaigns?archived=maybe", key, broken: "query archived");
        await r.SendAsync(HttpMethod.Get, "/api/v1/campaigns/to-archive", key);
        await r.SendAsync(HttpMethod.Post, "/api/v1/campaigns/to-archive/restore", key, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/campaigns/no-such-campaign/restore", key, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/campaigns/to-archive/restore", read, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/departments", key, new { id = "to-archive", name = "To archive" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/departments/to-archive/archive", key, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/departments/to-archive/archive", read, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/departments/no-such-department/archive", key, new { });
        await r.SendAsync(HttpMethod.Get, "/api/v1/departments?archived=true", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/departments?archived=maybe", key, broken: "query archived");
        await r.SendAsync(HttpMethod.Post, "/api/v1/departments/to-archive/restore", key, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/departments/no-such-department/restore", key, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/departments/to-archive/restore", read, new { });
        await r.SendAsync(HttpMethod.Get, "/api/v1/campaigns/no-such-campaign", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/campaigns/Not%20An%20Id", key, broken: "path campaignId");
        await r.SendAsync(HttpMethod.Put, "/api/v1/campaigns/launch/activities/podcast", key, new { department = "pr", name = "Podcast", metrics = new[] { "engagements" } });
        await r.SendAsync(HttpMethod.Put, "/api/v1/campaigns/no-such-campaign/activities/podcast", key, new { department = "pr", name = "Podcast" });
        await r.SendAsync(HttpMethod.Put, "/api/v1/campaigns/launch/activities/podcast", key, new { name = "No department" }, broken: "department missing");
        await r.SendAsync(HttpMethod.Put, "/api/v1/campaigns/launch/activities/podcast", key, """{"department":"pr","name":"Podcast"}""", contentType: "text/plain");

        // Metrics, goals, events.
        await r.SendAsync(HttpMethod.Post, "/api/v1/metrics", key, new { key = "lead_rate", name = "Lead rate", kind = "ratio", formula = new { numerator = new[] { new { metric = "leads" } }, denominator = new[] { new { metric = "visits" } } } });
        await r.SendAsync(HttpMethod.Post, "/api/v1/metrics", key, new { key = "lead_rate", name = "Lead rate", kind = "additive" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/metrics", key, new { key = "Lead Rate", name = "Bad", kind = "additive" }, broken: "key off pattern");
        await r.SendAsync(HttpMethod.Get, "/api/v1/metrics", key);
        var goal = new { id = "launch-leads", title = "Launch leads", metric = "leads", target = 100, owners = new[] { "marketing", "sales" }, scope = new { campaign = "launch" }, start = Now.AddDays(-1), end = Now.AddDays(30) };
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals", key, goal);
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals", key, goal);
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals", key, goal with { id = "Launch Leads" }, broken: "id off pattern");
        // Refused by a rule between members (a target above the baseline), which no schema states.
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals", key, goal with { id = "below", target = -5 });
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals", key, new { id = "no-title", metric = "leads", target = 1 }, broken: "title missing");
        await r.SendAsync(HttpMethod.Post, "/api/v1/events", key, new
        {
            events = Enumerable.Range(1, 5).Select(i => new { id = $"ev-{i}", metric = "leads", value = i, campaign = "launch", department = "marketing", source = "check", timestamp = Now.AddMinutes(-i) }),
        });
        await r.SendAsync(HttpMethod.Post, "/api/v1/events", key, new { events = Array.Empty<object>() }, broken: "no events");
        await r.SendAsync(HttpMethod.Post, "/api/v1/events", key, new { events = new[] { new { id = "ev-bad", metric = "Leads!", value = 1 } } }, broken: "metric off pattern");
        await r.SendAsync(HttpMethod.Post, "/api/v1/events", key, new
        {
            events = Enumerable.Range(1, 5_000).Select(i => new { id = $"big-{i}", metric = "leads", value = 1, campaign = "launch", department = "marketing", source = new string('s', 200) }),
        });
        await r.SendAsync(HttpMethod.Post, "/api/v1/events", key, """{"events":[]}""", contentType: "text/plain");
        await r.SendAsync(HttpMethod.Post, "/api/v1/events", read, new { events = new[] { new { id = "ev-read", metric = "leads", value = 1 } } });
        await WaitForEventsAsync(tenant, "launch-leads", 5);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads", read);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/no-such-goal", key);
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/launch-leads/rebuild", key, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/no-such-goal/rebuild", key, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/launch-leads/rebuild", read, new { });
        await r.SendAsync(HttpMethod.Put, "/api/v1/goals/launch-leads", key, goal with { title = "Launch leads, renamed", target = 120 });
        await r.SendAsync(HttpMethod.Put, "/api/v1/goals/launch-leads", key, goal with { id = "another-goal" });
        await r.SendAsync(HttpMethod.Put, "/api/v1/goals/launch-leads", key, goal with { target = -5 });
        await r.SendAsync(HttpMethod.Put, "/api/v1/goals/no-such-goal", key, goal with { id = "no-such-goal" });
        await r.SendAsync(HttpMethod.Put, "/api/v1/goals/launch-leads", read, goal);
        await r.SendAsync(HttpMethod.Put, "/api/v1/goals/launch-leads", key, new { id = "launch-leads", metric = "leads", target = 1 }, broken: "title missing");
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads/definitions", key);
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals", key, goal with { id = "to-archive" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/to-archive/archive", key, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/to-archive/archive", read, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/no-such-goal/archive", key, new { });
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals?archived=true", key);
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/to-archive/check-ins", key, new { department = "marketing", confidence = 5 });
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/to-archive/restore", key, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/no-such-goal/restore", key, new { });
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/to-archive/restore", read, new { });
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/no-such-goal/definitions", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads/definitions", Unknown);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads/history", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads/history?resolution=day", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads/history?resolution=week", key, broken: "query resolution");
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/no-such-goal/history", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads/events?limit=2", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads/events?limit=2&before=3", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads/events?limit=0", key, broken: "query limit");
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads/events?before=0", key, broken: "query before");
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/no-such-goal/events", key);
        // CSV: imports (text/csv bodies) and exports (text/csv answers).
        await r.SendAsync(HttpMethod.Post, "/api/v1/events/import", key, "id,metric,value,campaign,department\ncsv-1,leads,2,launch,marketing\n", contentType: "text/csv");
        await r.SendAsync(HttpMethod.Post, "/api/v1/events/import?map.id=Order%20ID&map.value=Total&ignore=Note", key,
            "Order ID,metric,Total,Note\ncsv-2,leads,3,first order\n", contentType: "text/csv");
        await r.SendAsync(HttpMethod.Post, "/api/v1/events/import", key, "id,metric,value,campain\ncsv-3,leads,1,launch\n", contentType: "text/csv");
        await r.SendAsync(HttpMethod.Post, "/api/v1/events/import", key, "id,metric,value\ncsv-4,leads,lots\n", contentType: "text/csv");
        await r.SendAsync(HttpMethod.Post, "/api/v1/events/import", key, "id,metric,value\ncsv-5,leads,1\n", contentType: "text/plain");
        await r.SendAsync(HttpMethod.Post, "/api/v1/events/import", read, "id,metric,value\ncsv-6,leads,1\n", contentType: "text/csv");
        var goalsCsv = $"id,title,metric,target,owners,scope.campaigns,start,end\ncsv-goal,CSV goal,leads,40,marketing;sales,launch,{Now.AddDays(-1):O},{Now.AddDays(30):O}\n";
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/import", key, goalsCsv, contentType: "text/csv");
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/import", key, goalsCsv.Replace("marketing;sales", "nobody"), contentType: "text/csv");
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/import", read, goalsCsv, contentType: "text/csv");
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-leads/events.csv", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals/no-such-goal/events.csv", key);

        // Check-ins, the feed, alerts.
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/launch-leads/check-ins", key, new { department = "sales", confidence = 6, note = "Pipeline looks thin" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/launch-leads/check-ins", key, new { department = "sales", confidence = 11 }, broken: "confidence above its maximum");
        await r.SendAsync(HttpMethod.Post, "/api/v1/goals/no-such-goal/check-ins", key, new { department = "sales", confidence = 5 });
        await r.SendAsync(HttpMethod.Post, "/api/v1/feed/announcements", key, new { from = "sales", to = new[] { "marketing" }, text = "These leads do not buy", goal = "launch-leads", salesFeedback = true });
        await r.SendAsync(HttpMethod.Post, "/api/v1/feed/announcements", key, new { from = "sales", text = "" }, broken: "text empty");
        await r.SendAsync(HttpMethod.Post, "/api/v1/feed/announcements", key, new { from = "sales", text = "About a goal that is not there", goal = "no-such-goal" });
        await r.SendAsync(HttpMethod.Get, "/api/v1/feed", key);
        var alerts = await r.SendAsync(HttpMethod.Get, "/api/v1/feed?kind=alert", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/feed?kind=checkIn&department=sales&campaign=launch&goal=launch-leads&limit=5", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/feed?state=open", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/feed?kind=rumour", key, broken: "query kind");
        await r.SendAsync(HttpMethod.Get, "/api/v1/feed?state=forgotten", key, broken: "query state");
        var alert = alerts.Body!.AsArray().First(e => e!["kind"]!.GetValue<string>() == "alert")!["id"]!.GetValue<long>();
        await r.SendAsync(HttpMethod.Post, $"/api/v1/feed/{alert}/acknowledge", key, new { department = "marketing" });
        await r.SendAsync(HttpMethod.Post, $"/api/v1/feed/{alert}/acknowledge", key, new { department = "Marketing!" }, broken: "department off pattern");
        await r.SendAsync(HttpMethod.Post, "/api/v1/feed/first/acknowledge", key, new { }, broken: "path entryId");
        await r.SendAsync(HttpMethod.Post, "/api/v1/feed/0/acknowledge", key, new { }, broken: "path entryId");
        await r.SendAsync(HttpMethod.Post, "/api/v1/feed/999999999/acknowledge", key, new { });
        var checkIn = (await r.SendAsync(HttpMethod.Get, "/api/v1/feed?kind=checkIn", key)).Body!.AsArray()[0]!["id"]!.GetValue<long>();
        await r.SendAsync(HttpMethod.Post, $"/api/v1/feed/{checkIn}/acknowledge", key, new { });

        // Scorecards and cadence, settings.
        await r.SendAsync(HttpMethod.Get, "/api/v1/departments/marketing/scorecard", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/departments/no-such-department/scorecard", key);
        await r.SendAsync(HttpMethod.Put, "/api/v1/departments/marketing/check-in-cadence", key, new { everyDays = 7 });
        await r.SendAsync(HttpMethod.Put, "/api/v1/departments/marketing/check-in-cadence", key, new { everyDays = 0 }, broken: "everyDays not above 0");
        await r.SendAsync(HttpMethod.Put, "/api/v1/departments/no-such-department/check-in-cadence", key, new { everyDays = 7 });
        await r.SendAsync(HttpMethod.Get, "/api/v1/settings", key);
        await r.SendAsync(HttpMethod.Put, "/api/v1/settings", key, new { trendWindowMinutes = 30 });
        await r.SendAsync(HttpMethod.Put, "/api/v1/settings", key, new { onTrackRatio = 2 }, broken: "onTrackRatio above its maximum");
        await r.SendAsync(HttpMethod.Put, "/api/v1/settings", key, new { currency = "EUR", timeZone = "Europe/Berlin" });
        await r.SendAsync(HttpMethod.Put, "/api/v1/settings", key, new { currency = "eur" }, broken: "currency off pattern");
        await r.SendAsync(HttpMethod.Put, "/api/v1/settings", key, new { currency = "ABC" });
        await r.SendAsync(HttpMethod.Put, "/api/v1/settings", key, new { timeZone = "Not a zone" }, broken: "timeZone off pattern");
        await r.SendAsync(HttpMethod.Put, "/api/v1/settings", key, new { timeZone = "Mars/Olympus_Mons" });
        await r.SendAsync(HttpMethod.Put, "/api/v1/settings", read, new { trendWindowMinutes = 30 });

        // Reviews and rules.
        await r.SendAsync(HttpMethod.Post, "/api/v1/reviews", key, new { id = "q1", name = "Q1" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/reviews", key, new { id = "q1", name = "Q1 again" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/reviews", key, new { id = "Q1", name = "Upper" }, broken: "id off pattern");
        await r.SendAsync(HttpMethod.Get, "/api/v1/reviews", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/reviews/q1", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/reviews/no-such-review", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/reviews/q1/comparison", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/reviews/no-such-review/comparison", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/reviews/q1/comparison.csv", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/reviews/no-such-review/comparison.csv", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/feed.csv?kind=alert", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/feed.csv?kind=rumour", key, broken: "query kind");
        var rule = new { id = "coverage", name = "Coverage is landing", metric = "leads", scope = new { campaign = "launch" }, condition = "above", threshold = 10, windowMinutes = 60, notify = new[] { "sales" }, message = "expect inquiries" };
        await r.SendAsync(HttpMethod.Post, "/api/v1/rules", key, rule);
        await r.SendAsync(HttpMethod.Post, "/api/v1/rules", key, rule);
        await r.SendAsync(HttpMethod.Post, "/api/v1/rules", key, rule with { condition = "sideways" }, broken: "condition not one of the list");
        await r.SendAsync(HttpMethod.Get, "/api/v1/rules", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/rules/coverage", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/rules/no-such-rule", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/rules/Not%20A%20Rule", key, broken: "path ruleId");
        var changed = new { name = "Coverage is landing", metric = "conversion_rate", scope = new { campaign = "launch" }, condition = "below", threshold = 0.1, windowMinutes = 60, notify = new[] { "sales" } };
        await r.SendAsync(HttpMethod.Put, "/api/v1/rules/coverage", key, changed);
        await r.SendAsync(HttpMethod.Put, "/api/v1/rules/coverage", key, changed with { windowMinutes = 0 }, broken: "windowMinutes below its minimum");
        await r.SendAsync(HttpMethod.Put, "/api/v1/rules/no-such-rule", key, changed);
        await r.SendAsync(HttpMethod.Put, "/api/v1/rules/coverage", read, changed);
        await r.SendAsync(HttpMethod.Post, "/api/v1/rules", key, rule with { id = "to-delete" });
        await r.SendAsync(HttpMethod.Delete, "/api/v1/rules/to-delete", key);
        await r.SendAsync(HttpMethod.Delete, "/api/v1/rules/to-delete", key);
        await r.SendAsync(HttpMethod.Delete, "/api/v1/rules/Not%20A%20Rule", key, broken: "path ruleId");

        // Subscriptions (admins only); this system allows no private address, so a literal one is refused with 422.
        var subscription = new { name = "Ops channel", url = "https://hooks.example.com/align", format = "slack", filter = new { kinds = new[] { "alert" }, departments = new[] { "sales" } } };
        var subscriptionId = (await r.SendAsync(HttpMethod.Post, "/api/v1/subscriptions", key, subscription)).Body!["id"]!.GetValue<string>();
        await r.SendAsync(HttpMethod.Post, "/api/v1/subscriptions", key, subscription with { url = "https://10.1.2.3/hook" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/subscriptions", key, subscription with { format = "carrierPigeon" }, broken: "format not one of the list");
        await r.SendAsync(HttpMethod.Post, "/api/v1/subscriptions", read, subscription);
        await r.SendAsync(HttpMethod.Get, "/api/v1/subscriptions", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/subscriptions", read);
        await r.SendAsync(HttpMethod.Get, $"/api/v1/subscriptions/{subscriptionId}", read);
        await r.SendAsync(HttpMethod.Put, $"/api/v1/subscriptions/{subscriptionId}", read, subscription);
        await r.SendAsync(HttpMethod.Post, $"/api/v1/subscriptions/{subscriptionId}/rotate-secret", read);
        await r.SendAsync(HttpMethod.Post, $"/api/v1/subscriptions/{subscriptionId}/deliveries/msg_none/retry", read);
        await r.SendAsync(HttpMethod.Delete, $"/api/v1/subscriptions/{subscriptionId}", read);
        await r.SendAsync(HttpMethod.Get, $"/api/v1/subscriptions/{subscriptionId}", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/subscriptions/no-such-subscription", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/subscriptions/Not%20A%20Subscription", key, broken: "path subscriptionId");
        await r.SendAsync(HttpMethod.Put, $"/api/v1/subscriptions/{subscriptionId}", key, subscription with { name = "Ops channel, renamed" });
        await r.SendAsync(HttpMethod.Put, "/api/v1/subscriptions/no-such-subscription", key, subscription);
        await r.SendAsync(HttpMethod.Post, $"/api/v1/subscriptions/{subscriptionId}/rotate-secret", key);
        await r.SendAsync(HttpMethod.Post, "/api/v1/subscriptions/no-such-subscription/rotate-secret", key);
        await r.SendAsync(HttpMethod.Get, $"/api/v1/subscriptions/{subscriptionId}/deliveries", key);
        await r.SendAsync(HttpMethod.Get, $"/api/v1/subscriptions/{subscriptionId}/deliveries", read);
        await r.SendAsync(HttpMethod.Post, $"/api/v1/subscriptions/{subscriptionId}/deliveries/msg_none/retry", key);
        // A receiver that answers 410 Gone: its delivery is dead-lettered at once, and can then be retried.
        await using (var receiver = await WebhookReceiver.StartAsync())
        {
            receiver.FailNext("/gone", 1_000, 410);
            var gone = (await r.SendAsync(HttpMethod.Post, "/api/v1/subscriptions", key,
                new { name = "Gone", url = receiver.UrlOf("/gone"), format = "standardWebhooks", filter = new { kinds = new[] { "announcement" } } })).Body!["id"]!.GetValue<string>();
            await r.SendAsync(HttpMethod.Post, "/api/v1/feed/announcements", key, new { from = "pr", to = new[] { "sales" }, text = "Gone tomorrow" });
            JsonNode? dead = null;
            for (var i = 0; i < 300 && dead is null; i++, await Task.Delay(100))
                dead = (await tenant.GetOkAsync($"/api/v1/subscriptions/{gone}/deliveries")).AsArray().FirstOrDefault(d => d!["state"]!.GetValue<string>() == "deadLettered");
            Assert.NotNull(dead);
            await r.SendAsync(HttpMethod.Get, $"/api/v1/subscriptions/{gone}/deliveries", key);
            await r.SendAsync(HttpMethod.Get, $"/api/v1/subscriptions/{gone}", key);
            await r.SendAsync(HttpMethod.Post, $"/api/v1/subscriptions/{gone}/deliveries/{dead!["id"]!.GetValue<string>()}/retry", key);
            await r.SendAsync(HttpMethod.Post, $"/api/v1/subscriptions/{gone}/deliveries/{dead!["id"]!.GetValue<string>()}/retry", key);
        }
        await r.SendAsync(HttpMethod.Post, $"/api/v1/subscriptions/{subscriptionId}/deliveries/Not%20A%20Delivery/retry", key, broken: "path deliveryId");
        await r.SendAsync(HttpMethod.Delete, $"/api/v1/subscriptions/{subscriptionId}", key);
        await r.SendAsync(HttpMethod.Delete, $"/api/v1/subscriptions/{subscriptionId}", key);

        // People, and a person's session (a browser of its own: the session is a cookie).
        var email = $"checked-{Guid.NewGuid():N}@example.com";
        var person = await r.SendAsync(HttpMethod.Post, "/api/v1/people", key, new { email, displayName = "Checked Person", role = "lead", departments = new[] { "marketing" } });
        await r.SendAsync(HttpMethod.Post, "/api/v1/people", key, new { email = "not an email", displayName = "X", role = "viewer" }, broken: "email off pattern");
        await r.SendAsync(HttpMethod.Post, "/api/v1/people", read, new { email = "reader@example.com", displayName = "X", role = "viewer" });
        await r.SendAsync(HttpMethod.Get, "/api/v1/people", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/people", read);
        const string Password = "a checked person's password";
        await r.SendAsync(HttpMethod.Post, "/api/v1/account/password", null, new { email, token = person.Body!["setPasswordToken"]!.GetValue<string>(), password = Password });
        await r.SendAsync(HttpMethod.Post, "/api/v1/account/password", null, new { email, token = "not-the-token", password = Password });
        await r.SendAsync(HttpMethod.Post, "/api/v1/account/password", null, new { email }, broken: "token and password missing");
        await r.SendAsync(HttpMethod.Post, "/api/v1/account/password-reset", null, new { email, organization = tenant.Id });
        await r.SendAsync(HttpMethod.Post, "/api/v1/account/password-reset", null, new { email = $"nobody-{Guid.NewGuid():N}@example.com" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/account/password-reset", null, new { email = "not an email" }, broken: "email off pattern");
        await r.SendAsync(HttpMethod.Post, "/api/v1/account/password-reset", null, new { email, organization = "Not An Org" }, broken: "organization off pattern");
        using (var browser = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = system.Gateway })
        {
            await r.SendAsync(HttpMethod.Get, "/api/v1/me", null, client: browser);
            await r.SendAsync(HttpMethod.Post, "/api/v1/session", null, new { email, password = "not it", organization = tenant.Id }, client: browser);
            await r.SendAsync(HttpMethod.Post, "/api/v1/session", null, new { email, organization = tenant.Id }, broken: "password missing", client: browser);
            var signedIn = await r.SendAsync(HttpMethod.Post, "/api/v1/session", null, new { email, password = Password, organization = tenant.Id }, client: browser);
            var csrf = signedIn.Body!["csrfToken"]!.GetValue<string>();
            await r.SendAsync(HttpMethod.Get, "/api/v1/me", null, client: browser);
            await r.SendAsync(HttpMethod.Delete, "/api/v1/session", null, client: browser, csrf: csrf);
            await r.SendAsync(HttpMethod.Delete, "/api/v1/session", null, client: browser);
        }
        var personPath = $"/api/v1/people/{Uri.EscapeDataString(email)}";
        await r.SendAsync(HttpMethod.Put, personPath, key, new { role = "member", departments = new[] { "marketing", "sales" } });
        await r.SendAsync(HttpMethod.Put, personPath, key, new { role = "owner" }, broken: "role not one of the list");
        await r.SendAsync(HttpMethod.Put, personPath, key, new { role = "lead", departments = new[] { "Not An Id" } }, broken: "departments item off pattern");
        await r.SendAsync(HttpMethod.Put, personPath, key, new { role = "viewer", departments = new[] { "marketing" } });
        await r.SendAsync(HttpMethod.Put, personPath, read, new { role = "admin" });
        await r.SendAsync(HttpMethod.Put, "/api/v1/people/nobody%40example.com", key, new { role = "viewer" });
        var lastAdmin = $"admin-{Guid.NewGuid():N}@example.com";
        await r.SendAsync(HttpMethod.Post, "/api/v1/people", key, new { email = lastAdmin, displayName = "Last Admin", role = "admin" });
        await r.SendAsync(HttpMethod.Put, $"/api/v1/people/{Uri.EscapeDataString(lastAdmin)}", key, new { role = "viewer" });
        await r.SendAsync(HttpMethod.Delete, $"/api/v1/people/{Uri.EscapeDataString(lastAdmin)}", key);
        await r.SendAsync(HttpMethod.Delete, personPath, key);
        await r.SendAsync(HttpMethod.Delete, personPath, key);
        await r.SendAsync(HttpMethod.Delete, "/api/v1/people/nobody%40example.com", read);

        // Single sign-on, with this system's oidc-provider as the issuer (the start and callback are browser redirects, not in the document).
        var issuer = system.OidcIssuer.ToString().TrimEnd('/');
        await r.SendAsync(HttpMethod.Get, "/api/v1/sso", key);
        await r.SendAsync(HttpMethod.Put, "/api/v1/sso", key, new { issuer, clientId = AlignSystem.OidcClientId, clientSecret = AlignSystem.OidcClientSecret, allowedDomains = new[] { "example.com" } });
        await r.SendAsync(HttpMethod.Put, "/api/v1/sso", key, new { clientId = AlignSystem.OidcClientId, allowedDomains = new[] { "example.com" } }, broken: "issuer missing");
        await r.SendAsync(HttpMethod.Put, "/api/v1/sso", key, new { issuer, clientId = new string('c', 300), allowedDomains = new[] { "example.com" } }, broken: "clientId too long");
        await r.SendAsync(HttpMethod.Put, "/api/v1/sso", key, new { issuer = issuer + "/not-the-issuer", clientId = "c", allowedDomains = new[] { "example.com" } });
        await r.SendAsync(HttpMethod.Put, "/api/v1/sso", read, new { issuer, clientId = "c", allowedDomains = new[] { "example.com" } });
        await r.SendAsync(HttpMethod.Get, "/api/v1/sso", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/sso", read);
        await r.SendAsync(HttpMethod.Get, $"/api/v1/sso/{tenant.Id}", null);
        await r.SendAsync(HttpMethod.Get, "/api/v1/sso/Not%20An%20Org", null);
        await r.SendAsync(HttpMethod.Delete, "/api/v1/sso", read);
        await r.SendAsync(HttpMethod.Delete, "/api/v1/sso", key);
        await r.SendAsync(HttpMethod.Delete, "/api/v1/sso", key);

        // Boards and replay.
        await r.SendAsync(HttpMethod.Get, "/api/v1/boards/overview", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/boards/campaign:launch", read);
        await r.SendAsync(HttpMethod.Get, "/api/v1/boards/campaign:no-such-campaign", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/boards/sideways", key, broken: "path boardId");
        var at = Uri.EscapeDataString(Now.ToString("O"));
        await r.SendAsync(HttpMethod.Get, $"/api/v1/boards/campaign:launch/replay?at={at}", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/boards/campaign:launch/replay", key, broken: "query at");
        await r.SendAsync(HttpMethod.Get, "/api/v1/boards/campaign:launch/replay?at=yesterday", key, broken: "query at");
        await r.SendAsync(HttpMethod.Get, $"/api/v1/boards/campaign:no-such-campaign/replay?at={at}", key);

        // API keys.
        var created = await r.SendAsync(HttpMethod.Post, "/api/v1/keys", key, new { name = "crm sync", scopes = new[] { "ingest" } });
        await r.SendAsync(HttpMethod.Post, "/api/v1/keys", key, new { name = "bad scope", scopes = new[] { "everything" } }, broken: "scope not one of the list");
        await r.SendAsync(HttpMethod.Get, "/api/v1/keys", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/keys", read);
        await r.SendAsync(HttpMethod.Delete, $"/api/v1/keys/{created.Body!["id"]!.GetValue<string>()}", key);
        await r.SendAsync(HttpMethod.Delete, "/api/v1/keys/zzzzzzzzzzzz", key);
        await r.SendAsync(HttpMethod.Delete, $"/api/v1/keys/{new string('k', 65)}", key, broken: "path keyId");

        // Wall-screen board links, and what a link may read.
        var link = await r.SendAsync(HttpMethod.Post, "/api/v1/board-links", key, new { name = "lobby screen", board = "campaign:launch", expiresAt = Now.AddDays(30) });
        await r.SendAsync(HttpMethod.Post, "/api/v1/board-links", key, new { name = "sideways", board = "sideways" }, broken: "board off pattern");
        await r.SendAsync(HttpMethod.Post, "/api/v1/board-links", key, new { name = "no board" }, broken: "board missing");
        await r.SendAsync(HttpMethod.Post, "/api/v1/board-links", key, new { name = "extra", board = "overview", scopes = new[] { "admin" } }, broken: "member not declared");
        await r.SendAsync(HttpMethod.Post, "/api/v1/board-links", read, new { name = "reader", board = "overview" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/board-links", Unknown, new { name = "nobody", board = "overview" });
        await r.SendAsync(HttpMethod.Get, "/api/v1/board-links", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/board-links", read);
        var linkToken = link.Body!["link"]!.GetValue<string>();
        await r.SendAsync(HttpMethod.Get, "/api/v1/boards/campaign:launch", linkToken);
        await r.SendAsync(HttpMethod.Get, "/api/v1/boards/overview", linkToken);
        await r.SendAsync(HttpMethod.Get, "/api/v1/goals", linkToken);
        await r.SendAsync(HttpMethod.Delete, $"/api/v1/board-links/{link.Body!["id"]!.GetValue<string>()}", key);
        await r.SendAsync(HttpMethod.Delete, "/api/v1/board-links/zzzzzzzzzzzz", key);
        await r.SendAsync(HttpMethod.Delete, "/api/v1/board-links/zzzzzzzzzzzz", read);
        await r.SendAsync(HttpMethod.Delete, $"/api/v1/board-links/{new string('k', 65)}", key, broken: "path linkId");
        // The audit log (admins only): everything above is in it, newest first.
        var audit = await r.SendAsync(HttpMethod.Get, "/api/v1/audit", key);
        await r.SendAsync(HttpMethod.Get, $"/api/v1/audit?action=rule&actor=nobody&since={at}&until={Uri.EscapeDataString(Now.AddHours(1).ToString("O"))}&limit=5&before={audit.Body!["entries"]![0]!["id"]}", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/audit?action=key.created&limit=2", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/audit", read);
        await r.SendAsync(HttpMethod.Get, "/api/v1/audit", Unknown);
        await r.SendAsync(HttpMethod.Get, "/api/v1/audit?limit=0", key, broken: "query limit");
        await r.SendAsync(HttpMethod.Get, "/api/v1/audit?before=0", key, broken: "query before");
        await r.SendAsync(HttpMethod.Get, "/api/v1/audit?action=Not%20A%20Verb", key, broken: "query action");
        await r.SendAsync(HttpMethod.Get, "/api/v1/audit?since=yesterday", key, broken: "query since");

        // Webhook sources (admins), and a tool's deliveries (no key: the signature is the credential).
        const string ShopSecret = "shpss_openapi_check_secret";
        var shop = await r.SendAsync(HttpMethod.Post, "/api/v1/sources", key, new { name = "Shop", scheme = "shopify", secret = ShopSecret, mapping = new { department = "sales", campaign = "launch" } });
        var sourceId = shop.Body!["source"]!["id"]!.GetValue<string>();
        await r.SendAsync(HttpMethod.Post, "/api/v1/sources", key, new
        {
            name = "Billing", scheme = "standard-webhooks",
            mapping = new { rules = new object[] { new { when = "invoice.paid", metric = "revenue", valueField = "/data/amount" }, new { when = "lead.created", metric = "leads", value = 1, where = new Dictionary<string, string> { ["/data/kind"] = "inbound" } } } },
        });
        await r.SendAsync(HttpMethod.Post, "/api/v1/sources", key, new { name = "Shop", scheme = "shopify" });
        await r.SendAsync(HttpMethod.Post, "/api/v1/sources", key, new { name = "Lab", scheme = "gitlab", secret = "whatever-secret" }, broken: "scheme not one of the list");
        await r.SendAsync(HttpMethod.Post, "/api/v1/sources", key, new { name = "Shop", scheme = "shopify", secret = ShopSecret, secrett = "typo" }, broken: "member not declared");
        await r.SendAsync(HttpMethod.Post, "/api/v1/sources", read, new { name = "Shop", scheme = "shopify", secret = ShopSecret });
        await r.SendAsync(HttpMethod.Get, "/api/v1/sources", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/sources", read);
        await r.SendAsync(HttpMethod.Get, $"/api/v1/sources/{sourceId}", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/sources/src-aaaaaaaaaaaaaaaaaaaa", key);
        await r.SendAsync(HttpMethod.Put, $"/api/v1/sources/{sourceId}", key, new { name = "Shop (EU)", mapping = new { department = "sales", campaign = "launch" } });
        await r.SendAsync(HttpMethod.Put, $"/api/v1/sources/{sourceId}", key, new { name = new string('n', 201) }, broken: "name too long");
        await r.SendAsync(HttpMethod.Put, "/api/v1/sources/src-aaaaaaaaaaaaaaaaaaaa", key, new { name = "Nothing" });
        string Order(long id) => $$"""{"id":{{id}},"created_at":"{{Now:O}}","total_price":"12.50","currency":"EUR"}""";
        Dictionary<string, string> Shopify(string body, string secret = ShopSecret) => new()
        {
            ["X-Shopify-Topic"] = "orders/create",
            ["X-Shopify-Webhook-Id"] = Guid.NewGuid().ToString(),
            ["X-Shopify-Hmac-Sha256"] = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))),
        };
        var webhook = $"/api/v1/sources/{sourceId}/webhook";
        await r.SendAsync(HttpMethod.Post, webhook, null, Order(1), requestHeaders: Shopify(Order(1)));
        await r.SendAsync(HttpMethod.Post, webhook, null, Order(2), requestHeaders: Shopify(Order(2), secret: "shpss_not_the_secret"));
        const string NoPrice = """{"id":3,"created_at":"2026-01-01T00:00:00Z"}""";
        await r.SendAsync(HttpMethod.Post, webhook, null, NoPrice, requestHeaders: Shopify(NoPrice));
        await r.SendAsync(HttpMethod.Post, "/api/v1/sources/src-aaaaaaaaaaaaaaaaaaaa/webhook", null, Order(4), requestHeaders: Shopify(Order(4)));
        await r.SendAsync(HttpMethod.Get, $"/api/v1/sources/{sourceId}/failures", key);
        await r.SendAsync(HttpMethod.Get, "/api/v1/sources/src-aaaaaaaaaaaaaaaaaaaa/failures", key);
        await r.SendAsync(HttpMethod.Post, $"/api/v1/sources/{sourceId}/secret", key, new { secret = "shpss_rotated_secret" });
        await r.SendAsync(HttpMethod.Post, $"/api/v1/sources/{sourceId}/secret", key, new { secret = "short" }, broken: "secret too short");
        await r.SendAsync(HttpMethod.Post, "/api/v1/sources/src-aaaaaaaaaaaaaaaaaaaa/secret", key, new { secret = "shpss_rotated_secret" });
        await r.SendAsync(HttpMethod.Delete, $"/api/v1/sources/{sourceId}", read);
        await r.SendAsync(HttpMethod.Delete, $"/api/v1/sources/{sourceId}", key);
        await r.SendAsync(HttpMethod.Delete, $"/api/v1/sources/{sourceId}", key);

        // Lists refuse a key nobody issued.
        foreach (var list in new[] { "campaigns", "metrics", "settings", "reviews", "rules", "sources" })
            await r.SendAsync(HttpMethod.Get, $"/api/v1/{list}", Unknown);

        // 429: an organization whose limits allow one request now and then.
        await r.SendAsync(HttpMethod.Put, $"/api/v1/orgs/{orgId}/limits", Platform, new { requestsPerSecondPerKey = 1, requestBurstPerKey = 1 });
        var limitedKey = createdOrg.Body!["apiKey"]!.GetValue<string>();
        for (var i = 0; i < 4; i++) await r.SendAsync(HttpMethod.Get, "/api/v1/goals", limitedKey);
    }

    private static async Task WaitForEventsAsync(Tenant tenant, string goal, long count)
    {
        for (var i = 0; i < 200 && (await tenant.GetOkAsync($"/api/v1/goals/{goal}"))["eventCount"]!.GetValue<long>() < count; i++) await Task.Delay(50);
    }

    private static bool Matches(string template, string path)
    {
        var pattern = "^" + string.Join("/", template.Split('/').Select(s => s.StartsWith('{') ? "[^/]+" : System.Text.RegularExpressions.Regex.Escape(s))) + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(path.Split('?')[0], pattern);
    }

    /// <summary>Runs <c>tests/openapi-check/check.mjs</c> over the document and the exchanges; its JSON report.</summary>
    private async Task<JsonObject> CheckAsync(string document, IReadOnlyList<Exchange> exchanges, string name)
    {
        var directory = Path.Combine(system.LogDirectory, "openapi-check");
        Directory.CreateDirectory(directory);
        var documentPath = Path.Combine(directory, "openapi-v1.json");
        var exchangesPath = Path.Combine(directory, $"exchanges-{name}.json");
        await File.WriteAllTextAsync(documentPath, document);
        await File.WriteAllTextAsync(exchangesPath, JsonSerializer.Serialize(exchanges, Tenant.Json));

        var checker = Path.Combine(AlignSystem.RepositoryRoot(), "tests", "openapi-check");
        Assert.True(Directory.Exists(Path.Combine(checker, "node_modules")), $"Run ./setup.sh: {checker}/node_modules is missing.");
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = checker };
        foreach (var arg in new[] { "check.mjs", documentPath, exchangesPath }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await File.WriteAllTextAsync(Path.Combine(directory, $"report-{name}.json"), await stdout);
        Assert.True(process.ExitCode is 0 or 1, $"The checker failed to run ({process.ExitCode}): {await stderr}");
        var report = JsonNode.Parse(await stdout)!.AsObject();
        // Its exit code agrees with its report.
        Assert.Equal(report["document"]!["valid"]!.GetValue<bool>() && report["mismatches"]!.AsArray().Count == 0, process.ExitCode == 0);
        return report;
    }

    /// <summary>One recorded request and its answer, as the checker reads them.</summary>
    public sealed record Exchange(string Method, string Path, string? RequestContentType, string? RequestBody, string? BrokenOnPurpose,
        int Status, string? ContentType, Dictionary<string, string> Headers, string? Body);

    private sealed class Recorder(AlignSystem system)
    {
        public List<Exchange> Exchanges { get; } = [];

        public async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? key, object? body = null, string? broken = null,
            string contentType = "application/json", HttpClient? client = null, string? csrf = null, IReadOnlyDictionary<string, string>? requestHeaders = null)
        {
            using var request = new HttpRequestMessage(method, path);
            foreach (var (name, value) in requestHeaders ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
            if (csrf is not null) request.Headers.Add("X-CSRF-TOKEN", csrf);
            var text = body switch { null => null, string s => s, _ => JsonSerializer.Serialize(body, Tenant.Json) };
            if (text is not null) request.Content = new StringContent(text, new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" });
            if (text is { Length: > 64 * 1024 }) request.Headers.ExpectContinue = true;
            if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await (client ?? system.Http).SendAsync(request);
            var answer = await response.Content.ReadAsStringAsync();
            var headers = response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value));
            Exchanges.Add(new Exchange(method.Method, path, text is null ? null : contentType, text is { Length: > 64 * 1024 } ? null : text, broken,
                (int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), headers, answer));
            JsonNode? parsed = null;
            if (answer.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true) parsed = JsonNode.Parse(answer);
            return ((int)response.StatusCode, parsed);
        }
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Let(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}
