using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// An admin changes a person's role and departments (PUT /api/v1/people/{email}) over HTTP against the
/// real processes: the change reaches the person's open session long before the gateway's cached copy
/// would expire (how soon: docs/benchmarks.md, "Revocation latency"; the same feed carries it) without a
/// new sign-in, and live connections stay open; bad bodies, other organizations and non-admins change
/// nothing; the last admin stays; the audit log says who changed what from what to what.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RoleChangeTests(AlignSystem system)
{
    /// <summary>
    /// How long a role change may take to reach a gateway that cached the session: the revocation feed's
    /// bound (a third of the cache's 30 s, so only the feed passes it; it is read several times a second).
    /// </summary>
    internal static readonly TimeSpan Propagation = Deadlines.RevocationTakesEffect;

    private static string PersonPath(string email) => $"/api/v1/people/{Uri.EscapeDataString(email)}";

    private static object Goal(string id, string owner) =>
        new { id, title = id, metric = "leads", target = 10, owners = new[] { owner }, start = DateTimeOffset.UtcNow.AddDays(-1), end = DateTimeOffset.UtcNow.AddDays(30) };

    internal static async Task<JsonNode> ChangeOkAsync(Tenant tenant, string email, string role, params string[] departments)
    {
        using var response = await tenant.SendAsync(HttpMethod.Put, PersonPath(email), new { role, departments });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Changing {email} to {role} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Repeats <paramref name="attempt"/> until it answers <paramref name="expected"/>, failing when that takes longer than <see cref="Propagation"/>.</summary>
    internal static async Task WithinPropagationAsync(HttpStatusCode expected, Func<Task<HttpStatusCode>> attempt, string what)
    {
        var since = Stopwatch.StartNew();
        HttpStatusCode last;
        while ((last = await attempt()) != expected)
        {
            Assert.True(since.Elapsed < Propagation, $"{what}: still {(int)last} {since.Elapsed.TotalMilliseconds:F0} ms after the change.");
            await Task.Delay(50);
        }
    }

    private static async Task<string> PeopleAsync(Tenant tenant) => (await tenant.GetOkAsync("/api/v1/people")).ToJsonString();

    [Fact]
    public async Task A_member_promoted_to_lead_defines_a_goal_for_its_department_in_the_same_session()
    {
        var tenant = await system.CreateTenantAsync("rc");
        await tenant.SeedLaunchAsync();
        var email = await tenant.AddPersonAsync("member", "pr");
        using var person = await tenant.SignInAsync(email);
        Assert.Equal(HttpStatusCode.Forbidden, await person.StatusAsync(HttpMethod.Post, "/api/v1/goals", Goal("pr-reach", "pr")));

        var changed = await ChangeOkAsync(tenant, email, "lead", "pr");

        Assert.Equal("lead", changed["role"]!.GetValue<string>());
        Assert.Equal(["pr"], changed["departments"]!.AsArray().Select(d => d!.GetValue<string>()));
        // Refusals change nothing, so trying until it works defines the goal once.
        await WithinPropagationAsync(HttpStatusCode.Created, () => person.StatusAsync(HttpMethod.Post, "/api/v1/goals", Goal("pr-reach", "pr")), "The promoted lead's goal");
        Assert.Contains((await tenant.GetOkAsync("/api/v1/goals")).AsArray(), g => g!["id"]!.GetValue<string>() == "pr-reach");
        var me = JsonNode.Parse(await person.Http.GetStringAsync("/api/v1/me"))!;
        Assert.Equal("lead", me["role"]!.GetValue<string>());
        // Still not a lead of sales.
        Assert.Equal(HttpStatusCode.Forbidden, await person.StatusAsync(HttpMethod.Post, "/api/v1/goals", Goal("sales-reach", "sales")));
    }

    [Fact]
    public async Task A_lead_demoted_to_viewer_is_refused_its_next_check_in_without_a_new_sign_in_and_stays_signed_in()
    {
        var tenant = await system.CreateTenantAsync("rc");
        var (_, goal) = await tenant.SeedLaunchAsync();
        var email = await tenant.AddPersonAsync("lead", "pr");
        using var person = await tenant.SignInAsync(email);
        Assert.Equal(HttpStatusCode.OK, await person.StatusAsync(HttpMethod.Post, $"/api/v1/goals/{goal}/check-ins", new { department = "pr", confidence = 6 })); // cached by the gateway

        await ChangeOkAsync(tenant, email, "viewer");

        await WithinPropagationAsync(HttpStatusCode.Forbidden,
            () => person.StatusAsync(HttpMethod.Post, $"/api/v1/goals/{goal}/check-ins", new { department = "pr", confidence = 3 }), "The demoted lead's check-in");
        var feed = (await tenant.GetOkAsync("/api/v1/feed?limit=500")).ToJsonString();
        Assert.Equal(HttpStatusCode.Forbidden, await person.StatusAsync(HttpMethod.Post, $"/api/v1/goals/{goal}/check-ins", new { department = "pr", confidence = 3 }));
        Assert.Equal(feed, (await tenant.GetOkAsync("/api/v1/feed?limit=500")).ToJsonString());
        // The same session, with the new role: no sign-in needed, reading still allowed.
        var me = JsonNode.Parse(await person.Http.GetStringAsync("/api/v1/me"))!;
        Assert.Equal("viewer", me["role"]!.GetValue<string>());
        Assert.Empty(me["departments"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, await person.StatusAsync(HttpMethod.Get, $"/api/v1/goals/{goal}"));
    }

    [Fact]
    public async Task A_live_connection_stays_open_through_role_changes_and_closes_when_the_person_is_removed()
    {
        var tenant = await system.CreateTenantAsync("rc");
        var (campaign, _) = await tenant.SeedLaunchAsync();
        var email = await tenant.AddPersonAsync("member", "sales");
        using var person = await tenant.SignInAsync(email);
        await using var hub = person.Hub();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");

        foreach (var (role, departments) in new[] { ("lead", new[] { "sales", "pr" }), ("viewer", Array.Empty<string>()), ("member", new[] { "pr" }) })
        {
            await ChangeOkAsync(tenant, email, role, departments);
            // Applied on the gateway (the person's API requests see it), and the connection was not closed for it.
            await Eventually.EqualAsync(role, async () => JsonNode.Parse(await person.Http.GetStringAsync("/api/v1/me"))!["role"]!.GetValue<string>(), (int)Propagation.TotalMilliseconds);
            Assert.Equal(HubConnectionState.Connected, hub.State);
            var snapshot = await hub.InvokeAsync<JsonElement>("WatchBoard", "overview"); // each call reads the role as it is now
            Assert.Equal("overview", snapshot.GetProperty("boardId").GetString());
        }
        Assert.False(closed.Task.IsCompleted);

        using (var removed = await tenant.SendAsync(HttpMethod.Delete, PersonPath(email))) Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Unauthorized, await person.StatusAsync(HttpMethod.Get, "/api/v1/me"));
    }

    [Fact]
    public async Task Bad_bodies_and_unknown_people_are_refused_with_a_problem_and_change_nothing()
    {
        var tenant = await system.CreateTenantAsync("rc");
        await tenant.SeedLaunchAsync();
        var email = await tenant.AddPersonAsync("member", "marketing");
        var before = await PeopleAsync(tenant);

        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { role = "lead", departments = new[] { "pr" }, displayName = "New Name" }, "displayName"), // unknown field: the name is the person's own
            (new { role = "lead", departments = new[] { "pr" }, organization = "elsewhere" }, "organization"),
            (new { departments = new[] { "pr" } }, "role"),
            (new { role = "owner", departments = Array.Empty<string>() }, "role"),
            (new { role = "lead", departments = Array.Empty<string>() }, "departments"),
            (new { role = "member" }, "departments"),
            (new { role = "viewer", departments = new[] { "sales" } }, "departments"),
            (new { role = "admin", departments = new[] { "marketing" } }, "departments"),
            (new { role = "lead", departments = new[] { "Not An Id" } }, "departments[0]"),
        })
        {
            using var response = await tenant.SendAsync(HttpMethod.Put, PersonPath(email), body);
            await AlignmentApi.AssertProblemAsync(response, 400, field == "displayName" || field == "organization" ? null : field);
        }
        // A department the organization does not have: refused by the organization, as when adding.
        using (var unknown = await tenant.SendAsync(HttpMethod.Put, PersonPath(email), new { role = "lead", departments = new[] { "no-such-department" } }))
            await AlignmentApi.AssertProblemAsync(unknown, 400);
        using (var malformed = await tenant.SendAsync(HttpMethod.Put, PersonPath(email), "{\"role\":"))
            await AlignmentApi.AssertProblemAsync(malformed, 400);
        using (var nobody = await tenant.SendAsync(HttpMethod.Put, PersonPath($"nobody-{Guid.NewGuid():N}@example.com"), new { role = "viewer" }))
            await AlignmentApi.AssertProblemAsync(nobody, 404);
        using (var notAnEmail = await tenant.SendAsync(HttpMethod.Put, PersonPath("not an email"), new { role = "viewer" }))
            await AlignmentApi.AssertProblemAsync(notAnEmail, 404);

        Assert.Equal(before, await PeopleAsync(tenant));
    }

    [Fact]
    public async Task Another_organization_and_people_who_are_not_admins_cannot_change_a_role()
    {
        var tenant = await system.CreateTenantAsync("rc");
        var other = await system.CreateTenantAsync("rc");
        await tenant.SeedLaunchAsync();
        await other.SeedLaunchAsync();
        var email = await tenant.AddPersonAsync("member", "marketing");
        using var lead = await tenant.SignInAsync(await tenant.AddPersonAsync("lead", "marketing"));
        var read = await tenant.CreateReadKeyAsync();
        var before = await PeopleAsync(tenant);

        // The organization is the credential's: the other organization's admin key finds no such person.
        using (var foreign = await other.SendAsync(HttpMethod.Put, PersonPath(email), new { role = "admin" }))
            await AlignmentApi.AssertProblemAsync(foreign, 404);
        using (var byReadKey = await tenant.SendAsync(HttpMethod.Put, PersonPath(email), new { role = "admin" }, key: read))
            await AlignmentApi.AssertProblemAsync(byReadKey, 403);
        using (var byLead = await lead.SendAsync(HttpMethod.Put, PersonPath(email), new { role = "lead", departments = new[] { "marketing" } }))
            await AlignmentApi.AssertProblemAsync(byLead, 403);
        using (var withoutCsrf = await lead.SendAsync(HttpMethod.Put, PersonPath(email), new { role = "admin" }, csrf: false))
            await AlignmentApi.AssertProblemAsync(withoutCsrf, 403);

        Assert.Equal(before, await PeopleAsync(tenant));
        Assert.DoesNotContain((await other.GetOkAsync("/api/v1/people")).AsArray(), _ => true);
    }

    [Fact]
    public async Task The_last_admin_can_be_neither_demoted_nor_removed_even_by_themselves()
    {
        var tenant = await system.CreateTenantAsync("rc");
        var first = await tenant.AddPersonAsync("admin");
        using var admin = await tenant.SignInAsync(first);
        var before = await PeopleAsync(tenant);

        using (var demote = await tenant.SendAsync(HttpMethod.Put, PersonPath(first), new { role = "viewer" }))
            await AlignmentApi.AssertProblemAsync(demote, 409);
        using (var demoteSelf = await admin.SendAsync(HttpMethod.Put, PersonPath(first), new { role = "viewer" }))
            await AlignmentApi.AssertProblemAsync(demoteSelf, 409);
        using (var remove = await tenant.SendAsync(HttpMethod.Delete, PersonPath(first)))
            await AlignmentApi.AssertProblemAsync(remove, 409);
        Assert.Equal(before, await PeopleAsync(tenant));
        Assert.Equal(HttpStatusCode.OK, await admin.StatusAsync(HttpMethod.Get, "/api/v1/people")); // still an admin, still signed in

        // With a second admin, the first may step down; then the second is the last one.
        var second = await tenant.AddPersonAsync("admin");
        Assert.Equal("viewer", (await ChangeOkAsync(tenant, first, "viewer"))["role"]!.GetValue<string>());
        using (var removeSecond = await tenant.SendAsync(HttpMethod.Delete, PersonPath(second)))
            await AlignmentApi.AssertProblemAsync(removeSecond, 409);
        // The demoted admin is refused people management at once (checked in the cluster, not the cache).
        Assert.Equal(HttpStatusCode.Forbidden, await admin.StatusAsync(HttpMethod.Get, "/api/v1/people"));
    }

    [Fact]
    public async Task A_role_change_is_in_the_audit_log_with_the_role_before_and_after()
    {
        var tenant = await system.CreateTenantAsync("rc");
        await tenant.SeedLaunchAsync();
        var email = await tenant.AddPersonAsync("member", "marketing");
        var adminKeyId = (await tenant.GetOkAsync("/api/v1/me"))["keyId"]!.GetValue<string>();

        await ChangeOkAsync(tenant, email, "lead", "marketing", "sales");
        using (var refused = await tenant.SendAsync(HttpMethod.Put, PersonPath(email), new { role = "viewer", departments = new[] { "sales" } }))
            await AlignmentApi.AssertProblemAsync(refused, 400);

        // Newest first: the refusal (the endpoint answered it, so it is recorded, with the role asked for), then the change.
        var entries = (await tenant.GetOkAsync("/api/v1/audit?action=person.changed"))["entries"]!.AsArray();
        Assert.Equal(2, entries.Count);
        var failed = entries[0]!;
        Assert.Equal("failed", failed["outcome"]!.GetValue<string>());
        Assert.Equal(400, failed["status"]!.GetValue<int>());
        Assert.Equal("viewer", failed["detail"]!["role"]!.GetValue<string>());
        Assert.Null(failed["detail"]!["after"]);
        var entry = entries[1]!;
        Assert.Equal("succeeded", entry["outcome"]!.GetValue<string>());
        Assert.Equal(200, entry["status"]!.GetValue<int>());
        Assert.Equal("key", entry["actor"]!["kind"]!.GetValue<string>());
        Assert.Equal(adminKeyId, entry["actor"]!["id"]!.GetValue<string>());
        Assert.Equal("person", entry["target"]!["type"]!.GetValue<string>());
        Assert.Equal(email, entry["target"]!["id"]!.GetValue<string>());
        Assert.Equal("member of marketing", entry["detail"]!["before"]!.GetValue<string>());
        Assert.Equal("lead of marketing,sales", entry["detail"]!["after"]!.GetValue<string>());
    }
}
