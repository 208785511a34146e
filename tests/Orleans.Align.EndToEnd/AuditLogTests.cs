using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The audit log over HTTP against the real processes: a run of administration (keys, people, sign-ins
/// that fail and succeed, a goal, settings, a rule changed and deleted) is found exactly, newest first,
/// with the right actors, through pages and filters; another organization sees none of it, and a read
/// key is refused.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AuditLogTests(AlignSystem system)
{
    private const string Password = "a long enough password";

    private static async Task<JsonNode> SendOkAsync(HttpClient http, HttpMethod method, string path, object? body, string? csrf = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, options: Tenant.Json);
        if (csrf is not null) request.Headers.Add("X-CSRF-TOKEN", csrf);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} failed: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    private static async Task<List<JsonNode>> AllAsync(Tenant tenant, string query = "", int limit = 5)
    {
        var entries = new List<JsonNode>();
        string? before = null;
        for (var i = 0; i < 100; i++)
        {
            var sep = query.Length == 0 ? "?" : "&";
            var page = await tenant.GetOkAsync($"/api/v1/audit{(query.Length == 0 ? "" : "?" + query)}{sep}limit={limit}{(before is null ? "" : $"&before={before}")}");
            var batch = page["entries"]!.AsArray().Select(e => e!).ToList();
            Assert.True(batch.Count <= limit);
            entries.AddRange(batch);
            if (page["next"] is not { } next) return entries;
            before = next.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("The audit log did not end.");
    }

    [Fact]
    public async Task Administration_is_recorded_exactly_with_its_actors_in_order_through_pages_and_filters()
    {
        var tenant = await system.CreateTenantAsync("au");
        var me = await tenant.GetOkAsync("/api/v1/me");
        var adminKeyId = me["keyId"].Text();

        // An admin key creates a key and revokes it, a department, and a person (an admin).
        var created = await tenant.PostOkAsync("/api/v1/keys", new { name = "ops key", scopes = new[] { "read" } });
        var keyId = created["id"].Text();
        using (var revoke = await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/keys/{keyId}")) Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await tenant.PostOkAsync("/api/v1/departments", new { id = "marketing", name = "Marketing" });
        var email = $"au-{Guid.NewGuid():N}"[..12] + "@example.com";
        var added = await tenant.PostOkAsync("/api/v1/people", new { email, displayName = "Ada", role = "admin" });
        using (var set = await system.Http.PostAsJsonAsync("/api/v1/account/password", new { email, token = added["setPasswordToken"].Text(), password = Password }))
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);

        // The person fails to sign in once, signs in, changes the settings and signs out.
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = system.Gateway };
        using (var wrong = await browser.PostAsJsonAsync("/api/v1/session", new { email, password = "not the password at all", organization = tenant.Id }))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var session = await SendOkAsync(browser, HttpMethod.Post, "/api/v1/session", new { email, password = Password, organization = tenant.Id });
        var csrf = session["csrfToken"].Text();
        await SendOkAsync(browser, HttpMethod.Put, "/api/v1/settings", new { alertHoldMinutes = 0 }, csrf);

        // The admin key defines a goal and a rule, changes the rule and deletes it.
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        await tenant.PostOkAsync("/api/v1/goals", new { id = "leads", title = "Leads", metric = "leads", target = 100, owners = new[] { "marketing" }, start, end = start.AddDays(30) });
        var rule = new { name = "Leads fall", metric = "leads", condition = "fallsBy", threshold = 50, windowMinutes = 60, notify = new[] { "marketing" } };
        await tenant.PostOkAsync("/api/v1/rules", new { id = "leads-fall", rule.name, rule.metric, rule.condition, rule.threshold, rule.windowMinutes, rule.notify });
        await tenant.PutOkAsync("/api/v1/rules/leads-fall", rule with { threshold = 40 });
        using (var delete = await tenant.SendAsync(HttpMethod.Delete, "/api/v1/rules/leads-fall")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await SendOkAsync(browser, HttpMethod.Delete, "/api/v1/session", null, csrf);

        string[] expected =
        [
            "org.created", "key.created", "key.revoked", "department.created", "person.added", "session.sign_in_failed", "session.signed_in",
            "settings.changed", "goal.created", "rule.created", "rule.changed", "rule.deleted", "session.signed_out",
        ];
        var all = await AllAsync(tenant, limit: 5); // three pages
        Assert.Equal(expected.Reverse(), all.Select(e => e["action"].Text()));
        var ids = all.Select(e => e["id"]!.GetValue<long>()).ToList();
        Assert.Equal(Enumerable.Range(1, expected.Length).Reverse().Select(i => (long)i), ids);
        var times = all.Select(e => e["at"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.True(times.Zip(times.Skip(1)).All(p => p.First >= p.Second), "newest first, in time too");

        JsonNode Entry(string action) => all.Single(e => e["action"].Text() == action);
        Assert.Equal("platform", Entry("org.created")["actor"]!["kind"].Text());
        foreach (var action in new[] { "key.created", "key.revoked", "department.created", "person.added", "goal.created", "rule.created", "rule.changed", "rule.deleted" })
        {
            var actor = Entry(action)["actor"]!;
            Assert.Equal("key", actor["kind"].Text());
            Assert.Equal(adminKeyId, actor["id"].Text());
            Assert.False(string.IsNullOrEmpty(actor["display"].Text()));
            Assert.Equal("succeeded", Entry(action)["outcome"].Text());
        }
        foreach (var action in new[] { "session.sign_in_failed", "session.signed_in", "settings.changed", "session.signed_out" })
        {
            var actor = Entry(action)["actor"]!;
            Assert.Equal("person", actor["kind"].Text());
            Assert.Equal(email, actor["display"].Text());
        }
        Assert.Equal("failed", Entry("session.sign_in_failed")["outcome"].Text());
        Assert.Equal(401, Entry("session.sign_in_failed")["status"]!.GetValue<int>());
        Assert.Equal(keyId, Entry("key.created")["target"]!["id"].Text());
        Assert.Equal("ops key", Entry("key.created")["detail"]!["name"].Text());
        Assert.Equal(keyId, Entry("key.revoked")["target"]!["id"].Text());
        Assert.Equal(email, Entry("person.added")["target"]!["id"].Text());
        Assert.Equal("leads", Entry("goal.created")["target"]!["id"].Text());
        Assert.Equal("leads-fall", Entry("rule.changed")["target"]!["id"].Text());

        // Filters: a family of actions, one verb, an actor, and a time window.
        Assert.Equal(["rule.deleted", "rule.changed", "rule.created"], (await AllAsync(tenant, "action=rule", 2)).Select(e => e["action"].Text()));
        Assert.Equal(["key.revoked"], (await AllAsync(tenant, "action=key.revoked")).Select(e => e["action"].Text()));
        Assert.Equal(["session.signed_out", "settings.changed", "session.signed_in", "session.sign_in_failed"],
            (await AllAsync(tenant, $"actor={Uri.EscapeDataString(email)}")).Select(e => e["action"].Text()));
        var since = Entry("goal.created")["at"]!.GetValue<DateTimeOffset>();
        var until = Entry("rule.changed")["at"]!.GetValue<DateTimeOffset>();
        var window = await AllAsync(tenant, $"since={AlignmentApi.Query(since)}&until={AlignmentApi.Query(until)}");
        var inWindow = window.Select(e => e["action"].Text()).ToList();
        Assert.Contains("goal.created", inWindow);
        Assert.Contains("rule.created", inWindow);
        Assert.Contains("rule.changed", inWindow);
        Assert.DoesNotContain("org.created", inWindow);
        Assert.DoesNotContain("key.created", inWindow);
        Assert.All(window, e => Assert.InRange(e["at"]!.GetValue<DateTimeOffset>(), since, until));
    }

    [Fact]
    public async Task Each_organization_sees_only_its_own_log_and_only_its_admins_see_it()
    {
        var one = await system.CreateTenantAsync("au1");
        var other = await system.CreateTenantAsync("au2");
        await one.PostOkAsync("/api/v1/departments", new { id = "sales", name = "Sales" });
        await one.PostOkAsync("/api/v1/keys", new { name = "secret key", scopes = new[] { "admin" } });

        var others = await AllAsync(other);
        Assert.Equal(["org.created"], others.Select(e => e["action"].Text()));
        Assert.Equal(other.Id, others[0]["target"]!["id"].Text());
        Assert.Equal(3, (await AllAsync(one)).Count);

        var read = await one.CreateReadKeyAsync();
        using (var refused = await one.SendAsync(HttpMethod.Get, "/api/v1/audit", key: read)) await AlignmentApi.AssertProblemAsync(refused, 403);
        using (var anonymous = await system.Http.GetAsync("/api/v1/audit")) await AlignmentApi.AssertProblemAsync(anonymous, 401);

        // Bad query values are problem documents naming the parameter.
        foreach (var (query, field) in new[] { ("limit=0", "limit"), ("limit=501", "limit"), ("before=0", "before"), ("action=Key.Created", "action"),
                     ("action=a.b.c", "action"), ("since=yesterday", "since"), ("until=3000-01-01T00:00:00Z", "until"), ("since=2026-09-02T00:00:00Z&until=2026-09-01T00:00:00Z", "until") })
        {
            using var bad = await one.SendAsync(HttpMethod.Get, $"/api/v1/audit?{query}");
            await AlignmentApi.AssertProblemAsync(bad, 400, field);
        }
    }
}
