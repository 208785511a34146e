using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// People over HTTP against the real processes: an admin adds a person, who sets a password, signs in
/// with a cookie, may do what the role allows and is refused the rest (nothing changed), is locked
/// out after repeated failures, signs out, and is closed out live when removed.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SignInTests(AlignSystem system)
{
    private const string Password = PersonBrowser.Password;

    private PersonBrowser NewBrowser() => new(system.Gateway);

    private static Task<string> AddPersonAsync(Tenant tenant, string role, params string[] departments) => tenant.AddPersonAsync(role, departments);

    private static Task<PersonBrowser> SignInAsync(Tenant tenant, string email) => tenant.SignInAsync(email);

    private static async Task<string> FeedAsync(Tenant tenant) => (await tenant.GetOkAsync("/api/v1/feed?limit=500")).ToJsonString();

    [Fact]
    public async Task A_person_added_by_an_admin_sets_a_password_signs_in_and_the_cookie_is_safe()
    {
        var tenant = await system.CreateTenantAsync("si");
        await tenant.SeedLaunchAsync();
        var email = await AddPersonAsync(tenant, "member", "marketing");
        using var browser = NewBrowser();

        using var response = await browser.SendAsync(HttpMethod.Post, "/api/v1/session", new { email = email.ToUpperInvariant(), password = Password, organization = tenant.Id });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("align.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var me = JsonNode.Parse(await (await browser.Http.GetAsync("/api/v1/me")).Content.ReadAsStringAsync())!;
        Assert.Equal("person", me["kind"]!.GetValue<string>());
        Assert.Equal(email, me["email"]!.GetValue<string>());
        Assert.Equal("member", me["role"]!.GetValue<string>());
        Assert.Equal(["marketing"], me["departments"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, await browser.StatusAsync(HttpMethod.Get, "/api/v1/goals"));
        var people = (await tenant.GetOkAsync("/api/v1/people")).AsArray();
        Assert.Contains(people, p => p!["email"]!.GetValue<string>() == email);
    }

    [Fact]
    public async Task Wrong_password_unknown_email_and_another_organization_get_the_same_401()
    {
        var tenant = await system.CreateTenantAsync("si");
        var other = await system.CreateTenantAsync("si");
        var email = await AddPersonAsync(tenant, "viewer");
        using var browser = NewBrowser();

        var answers = new List<string>();
        foreach (var attempt in new object[]
        {
            new { email, password = "not the password", organization = tenant.Id },
            new { email = "nobody-" + Guid.NewGuid().ToString("N")[..8] + "@example.com", password = Password, organization = tenant.Id },
            new { email, password = Password, organization = other.Id },
        })
        {
            using var response = await browser.SendAsync(HttpMethod.Post, "/api/v1/session", attempt);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("align.session=", StringComparison.Ordinal)));
            answers.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
        }
        Assert.Single(answers.Distinct());
        Assert.Equal(HttpStatusCode.Unauthorized, await browser.StatusAsync(HttpMethod.Get, "/api/v1/goals"));
    }

    [Fact]
    public async Task Each_role_may_do_what_it_allows_and_a_refusal_is_403_with_nothing_changed()
    {
        var tenant = await system.CreateTenantAsync("si");
        var (_, goal) = await tenant.SeedLaunchAsync();
        using var member = await SignInAsync(tenant, await AddPersonAsync(tenant, "member", "marketing"));
        using var lead = await SignInAsync(tenant, await AddPersonAsync(tenant, "lead", "pr"));
        using var viewer = await SignInAsync(tenant, await AddPersonAsync(tenant, "viewer"));
        using var admin = await SignInAsync(tenant, await AddPersonAsync(tenant, "admin"));
        var feed = await FeedAsync(tenant);
        var goals = (await tenant.GetOkAsync("/api/v1/goals")).ToJsonString();
        var now = DateTimeOffset.UtcNow;
        object Goal(string id, string owner) => new { id, title = id, metric = "leads", target = 10, owners = new[] { owner }, start = now.AddDays(-1), end = now.AddDays(30) };

        // Refused: acting as a department one does not belong to, defining for one one does not lead, admin work.
        Assert.Equal(HttpStatusCode.Forbidden, await member.StatusAsync(HttpMethod.Post, $"/api/v1/goals/{goal}/check-ins", new { department = "sales", confidence = 5 }));
        Assert.Equal(HttpStatusCode.Forbidden, await member.StatusAsync(HttpMethod.Post, "/api/v1/feed/announcements", new { from = "pr", to = new[] { "sales" }, text = "not mine" }));
        Assert.Equal(HttpStatusCode.Forbidden, await member.StatusAsync(HttpMethod.Post, "/api/v1/goals", Goal("by-member", "marketing")));
        Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Post, "/api/v1/goals", Goal("by-lead-for-sales", "sales")));
        Assert.Equal(HttpStatusCode.Forbidden, await viewer.StatusAsync(HttpMethod.Post, $"/api/v1/goals/{goal}/check-ins", new { department = "marketing", confidence = 5 }));
        Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Post, "/api/v1/keys", new { name = "k", scopes = new[] { "admin" } }));
        Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Post, "/api/v1/people", new { email = "x@example.com", displayName = "X", role = "admin" }));
        Assert.Equal(HttpStatusCode.Forbidden, await viewer.StatusAsync(HttpMethod.Post, "/api/v1/events", new { events = new[] { new { id = "e1", metric = "leads", value = 1 } } }));
        Assert.Equal(HttpStatusCode.Forbidden, await member.StatusAsync(HttpMethod.Put, "/api/v1/settings", new { alertHoldMinutes = 1 }));
        Assert.Equal(feed, await FeedAsync(tenant));
        Assert.Equal(goals, (await tenant.GetOkAsync("/api/v1/goals")).ToJsonString());
        Assert.DoesNotContain((await tenant.GetOkAsync("/api/v1/keys")).AsArray(), k => k!["name"]!.GetValue<string>() == "k");

        // Allowed: each within its role.
        Assert.Equal(HttpStatusCode.OK, await member.StatusAsync(HttpMethod.Post, $"/api/v1/goals/{goal}/check-ins", new { department = "marketing", confidence = 7 }));
        Assert.Equal(HttpStatusCode.Created, await member.StatusAsync(HttpMethod.Post, "/api/v1/feed/announcements", new { from = "marketing", to = new[] { "sales" }, text = "mine" }));
        Assert.Equal(HttpStatusCode.Created, await lead.StatusAsync(HttpMethod.Post, "/api/v1/goals", Goal("pr-mentions", "pr")));
        Assert.Equal(HttpStatusCode.OK, await lead.StatusAsync(HttpMethod.Post, $"/api/v1/goals/{goal}/check-ins", new { department = "pr", confidence = 6 }));
        Assert.Equal(HttpStatusCode.OK, await viewer.StatusAsync(HttpMethod.Get, $"/api/v1/goals/{goal}"));
        Assert.Equal(HttpStatusCode.OK, await viewer.StatusAsync(HttpMethod.Get, "/api/v1/feed"));
        Assert.Equal(HttpStatusCode.Created, await admin.StatusAsync(HttpMethod.Post, "/api/v1/keys", new { name = "by a person", scopes = new[] { "read" } }));
        Assert.Equal(HttpStatusCode.Created, await admin.StatusAsync(HttpMethod.Post, "/api/v1/departments", new { id = "product", name = "Product" }));
    }

    [Fact]
    public async Task A_lead_attaches_a_goal_only_under_a_parent_that_a_department_it_leads_owns()
    {
        var tenant = await system.CreateTenantAsync("si");
        await tenant.SeedLaunchAsync();
        var now = DateTimeOffset.UtcNow;
        object Parent(string id, string[] owners) => new { id, title = id, rollUp = "children", owners, start = now.AddDays(-1), end = now.AddDays(30) };
        object Child(string id, string parent) => new { id, title = id, metric = "media_mentions", target = 10, owners = new[] { "pr" }, parent, start = now.AddDays(-1), end = now.AddDays(30) };
        await tenant.PostOkAsync("/api/v1/goals", Parent("sales-okr", ["sales"]));
        await tenant.PostOkAsync("/api/v1/goals", Parent("launch-okr", ["pr", "sales"]));
        using var lead = await SignInAsync(tenant, await AddPersonAsync(tenant, "lead", "pr"));
        var before = (await tenant.GetOkAsync("/api/v1/goals")).ToJsonString();

        // Its own goal, but under sales' goal: it would move sales' progress.
        Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Post, "/api/v1/goals", Child("pr-under-sales", "sales-okr")));
        Assert.Equal(before, (await tenant.GetOkAsync("/api/v1/goals")).ToJsonString());

        // Under a goal PR shares with sales: allowed.
        Assert.Equal(HttpStatusCode.Created, await lead.StatusAsync(HttpMethod.Post, "/api/v1/goals", Child("pr-under-launch", "launch-okr")));
    }

    [Fact]
    public async Task A_lead_edits_the_activities_and_cadence_of_the_departments_it_leads_and_no_others()
    {
        var tenant = await system.CreateTenantAsync("si");
        var (campaign, _) = await tenant.SeedLaunchAsync();
        await tenant.PutOkAsync($"/api/v1/campaigns/{campaign}/activities/outreach", new { department = "sales", name = "Outreach", metrics = new[] { "leads" } });
        using var lead = await SignInAsync(tenant, await AddPersonAsync(tenant, "lead", "pr"));
        var before = (await tenant.GetOkAsync("/api/v1/campaigns")).ToJsonString();

        Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Put, $"/api/v1/campaigns/{campaign}/activities/ads", new { department = "marketing", name = "Ads", metrics = new[] { "visits" } }));
        // Taking over another department's activity needs to lead that one too.
        Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Put, $"/api/v1/campaigns/{campaign}/activities/outreach", new { department = "pr", name = "Outreach", metrics = new[] { "leads" } }));
        Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Put, "/api/v1/departments/sales/check-in-cadence", new { everyDays = 7 }));
        Assert.Equal(before, (await tenant.GetOkAsync("/api/v1/campaigns")).ToJsonString());

        Assert.Equal(HttpStatusCode.OK, await lead.StatusAsync(HttpMethod.Put, $"/api/v1/campaigns/{campaign}/activities/briefing", new { department = "pr", name = "Press briefing", metrics = new[] { "media_mentions" } }));
        Assert.Equal(HttpStatusCode.OK, await lead.StatusAsync(HttpMethod.Put, "/api/v1/departments/pr/check-in-cadence", new { everyDays = 7 }));
        // A lead plans campaigns that one of its departments is part of, and none other.
        Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Post, "/api/v1/campaigns", new { id = "not-ours", name = "Not ours", departments = new[] { "sales" } }));
        Assert.Equal(HttpStatusCode.Created, await lead.StatusAsync(HttpMethod.Post, "/api/v1/campaigns", new { id = "new-one", name = "New", departments = new[] { "pr" } }));
    }

    [Fact]
    public async Task A_person_acknowledges_an_alert_as_their_department_or_by_name_but_not_as_another()
    {
        var tenant = await system.CreateTenantAsync("si");
        var (_, goal) = await tenant.SeedLaunchAsync();
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "sales", to = new[] { "marketing" }, text = "bundle please", goal, salesFeedback = true });
        var alert = (await tenant.GetOkAsync("/api/v1/feed?kind=alert")).AsArray().Single()!;
        var id = alert["id"]!.GetValue<long>();
        using var member = await SignInAsync(tenant, await AddPersonAsync(tenant, "member", "marketing"));

        Assert.Equal(HttpStatusCode.Forbidden, await member.StatusAsync(HttpMethod.Post, $"/api/v1/feed/{id}/acknowledge", new { department = "sales" }));
        Assert.Equal("open", (await tenant.GetOkAsync("/api/v1/feed?kind=alert")).AsArray().Single()!["state"]!.GetValue<string>());

        using var response = await member.SendAsync(HttpMethod.Post, $"/api/v1/feed/{id}/acknowledge", new { });
        var acknowledged = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("A member", acknowledged["acknowledgedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_organizations_goal_is_404_for_a_person_and_not_403()
    {
        var mine = await system.CreateTenantAsync("si");
        var theirs = await system.CreateTenantAsync("si");
        await mine.SeedLaunchAsync();
        await theirs.PostOkAsync("/api/v1/departments", new { id = "secret-dept", name = "Secret" });
        using var person = await SignInAsync(mine, await AddPersonAsync(mine, "admin"));

        Assert.Equal(HttpStatusCode.NotFound, await person.StatusAsync(HttpMethod.Get, "/api/v1/departments/secret-dept/scorecard"));
        Assert.Equal(HttpStatusCode.NotFound, await person.StatusAsync(HttpMethod.Get, "/api/v1/goals/launch-leads-of-theirs"));
        Assert.DoesNotContain((await theirs.GetOkAsync("/api/v1/people")).AsArray(), _ => true);
    }

    [Fact]
    public async Task A_change_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var tenant = await system.CreateTenantAsync("si");
        var (_, goal) = await tenant.SeedLaunchAsync();
        using var member = await SignInAsync(tenant, await AddPersonAsync(tenant, "member", "marketing"));
        var feed = await FeedAsync(tenant);

        using var response = await member.SendAsync(HttpMethod.Post, $"/api/v1/goals/{goal}/check-ins", new { department = "marketing", confidence = 7 }, csrf: false);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(feed, await FeedAsync(tenant));
        Assert.Equal(HttpStatusCode.OK, await member.StatusAsync(HttpMethod.Get, "/api/v1/goals", csrf: false)); // reads need none
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_with_a_423_even_for_the_right_password()
    {
        var tenant = await system.CreateTenantAsync("si");
        var email = await AddPersonAsync(tenant, "viewer");
        using var browser = NewBrowser();
        for (var i = 0; i < 5; i++)
        {
            var status = await browser.StatusAsync(HttpMethod.Post, "/api/v1/session", new { email, password = "guess " + i, organization = tenant.Id });
            Assert.Equal(i < 4 ? HttpStatusCode.Unauthorized : (HttpStatusCode)423, status);
        }

        using var right = await browser.SendAsync(HttpMethod.Post, "/api/v1/session", new { email, password = Password, organization = tenant.Id });

        Assert.Equal((HttpStatusCode)423, right.StatusCode);
        Assert.Equal("application/problem+json", right.Content.Headers.ContentType?.MediaType);
        Assert.True(right.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(4));
        Assert.Equal(HttpStatusCode.Unauthorized, await browser.StatusAsync(HttpMethod.Get, "/api/v1/me"));
    }

    [Fact]
    public async Task Signing_out_ends_the_session_so_a_copy_of_the_cookie_stops_working_everywhere()
    {
        var tenant = await system.CreateTenantAsync("si");
        using var person = await SignInAsync(tenant, await AddPersonAsync(tenant, "viewer"));
        using var copy = NewBrowser();
        foreach (Cookie c in person.Cookies.GetAllCookies()) copy.Cookies.Add(c);
        Assert.Equal(HttpStatusCode.OK, await copy.StatusAsync(HttpMethod.Get, "/api/v1/goals")); // now cached by the gateway

        Assert.Equal(HttpStatusCode.NoContent, await person.StatusAsync(HttpMethod.Delete, "/api/v1/session"));
        var signedOutAt = Stopwatch.StartNew();

        while (await copy.StatusAsync(HttpMethod.Get, "/api/v1/goals") != HttpStatusCode.Unauthorized)
        {
            Assert.True(signedOutAt.Elapsed < Deadlines.RevocationTakesEffect, $"The signed-out session still works {signedOutAt.Elapsed.TotalMilliseconds:F0} ms later.");
            await Task.Delay(20);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await person.StatusAsync(HttpMethod.Get, "/api/v1/me"));
    }

    [Fact]
    public async Task Removing_a_person_closes_their_live_connection_and_refuses_their_cookie()
    {
        var tenant = await system.CreateTenantAsync("si");
        var (campaign, _) = await tenant.SeedLaunchAsync();
        var email = await AddPersonAsync(tenant, "member", "sales");
        using var person = await SignInAsync(tenant, email);
        using var stays = await SignInAsync(tenant, await AddPersonAsync(tenant, "viewer"));
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(system.Gateway, "/hubs/live"), o => o.Cookies = person.Cookies).Build();
        await using var other = new HubConnectionBuilder().WithUrl(new Uri(system.Gateway, "/hubs/live"), o => o.Cookies = stays.Cookies).Build();
        var closed = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult(DateTime.UtcNow);
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        await other.StartAsync();
        var snapshot = await hub.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");
        Assert.Equal($"campaign:{campaign}", snapshot.GetProperty("boardId").GetString());
        await other.InvokeAsync<JsonElement>("WatchBoard", "overview");

        using var removed = await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/people/{Uri.EscapeDataString(email)}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var removedAt = DateTime.UtcNow;
        var closedAt = await closed.Task.WaitAsync(Deadlines.RevocationTakesEffect * 2);

        Assert.True(closedAt - removedAt < Deadlines.RevocationTakesEffect, $"Closed {(closedAt - removedAt).TotalMilliseconds:F0} ms after the removal.");
        Assert.Equal(HttpStatusCode.Unauthorized, await person.StatusAsync(HttpMethod.Get, "/api/v1/goals"));
        await using var again = new HubConnectionBuilder().WithUrl(new Uri(system.Gateway, "/hubs/live"), o => o.Cookies = person.Cookies).Build();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => again.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HubConnectionState.Connected, other.State); // another person's connection is untouched
        await other.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");
    }

    [Fact]
    public async Task Accounts_sessions_and_failed_sign_ins_survive_a_silo_killed_and_restarted()
    {
        var tenant = await system.CreateTenantAsync("si");
        var adminEmail = await AddPersonAsync(tenant, "admin");
        var viewerEmail = await AddPersonAsync(tenant, "viewer");
        using var admin = await SignInAsync(tenant, adminEmail);
        using var guesser = NewBrowser();
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, await guesser.StatusAsync(HttpMethod.Post, "/api/v1/session", new { email = viewerEmail, password = "guess " + i, organization = tenant.Id }));

        system.KillSilo();
        await system.StartSiloAsync();

        // Managing people checks the session in the cluster, not the gateway's cache: the membership grain read it back from storage.
        await Eventually.EqualAsync(HttpStatusCode.OK, () => admin.StatusAsync(HttpMethod.Get, "/api/v1/people"), timeoutMs: 30_000);
        // The four failures were stored: the fifth locks the account.
        Assert.Equal((HttpStatusCode)423, await guesser.StatusAsync(HttpMethod.Post, "/api/v1/session", new { email = viewerEmail, password = "guess 5", organization = tenant.Id }));
        using var again = await SignInAsync(tenant, adminEmail); // the password hash was stored too
        Assert.Equal(HttpStatusCode.OK, await again.StatusAsync(HttpMethod.Get, "/api/v1/me"));
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_key_or_a_session()
    {
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(system.Gateway, "/hubs/live")).Build();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
