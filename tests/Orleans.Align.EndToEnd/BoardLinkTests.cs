using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Wall-screen board links against the real processes: a link reads and watches its one board and
/// nothing else, of its own organization only; it expires; revoking it refuses it and closes its live
/// connections within seconds.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class BoardLinkTests(AlignSystem system)
{
    private HubConnection Connect(string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(system.Gateway, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
        .Build();

    private static async Task<(string Id, string Link, JsonNode Created)> CreateLinkAsync(Tenant tenant, string board, DateTimeOffset? expiresAt = null)
    {
        var created = await tenant.PostOkAsync("/api/v1/board-links", new { name = "wall " + board, board, expiresAt });
        return (created["id"]!.GetValue<string>(), created["link"]!.GetValue<string>(), created);
    }

    private static async Task<HttpStatusCode> StatusAsync(Tenant tenant, HttpMethod method, string path, string key, object? body = null)
    {
        using var response = await tenant.SendAsync(method, path, body, key);
        if (!response.IsSuccessStatusCode) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_link_reads_and_watches_its_board_and_nothing_else()
    {
        var tenant = await system.CreateTenantAsync();
        var (campaign, goal) = await tenant.SeedLaunchAsync();
        await tenant.PostOkAsync("/api/v1/campaigns", new { id = "other", name = "Other", departments = new[] { "pr" } });
        var (_, link, created) = await CreateLinkAsync(tenant, $"campaign:{campaign}");

        Assert.StartsWith("bl_", link, StringComparison.Ordinal);
        Assert.Equal($"campaign:{campaign}", created["board"]!.GetValue<string>());
        Assert.Contains($"key={link}", created["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("board=campaign%3Alaunch", created["url"]!.GetValue<string>(), StringComparison.Ordinal);

        // Its board, over REST.
        var board = await tenant.GetOkAsync($"/api/v1/boards/campaign:{campaign}", link);
        Assert.Equal($"campaign:{campaign}", board["boardId"]!.GetValue<string>());

        // No other board, no replay or provenance, no other endpoint, read or write.
        var get = HttpMethod.Get;
        foreach (var path in new[]
        {
            "/api/v1/boards/overview", "/api/v1/boards/campaign:other", "/api/v1/boards/department:marketing",
            $"/api/v1/boards/campaign:{campaign}/replay?at={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}",
            $"/api/v1/goals/{goal}/events", $"/api/v1/goals/{goal}/history", $"/api/v1/goals/{goal}", "/api/v1/goals",
            "/api/v1/departments", "/api/v1/campaigns", $"/api/v1/campaigns/{campaign}", "/api/v1/feed", "/api/v1/rules",
            "/api/v1/metrics", "/api/v1/settings", "/api/v1/reviews", "/api/v1/keys", "/api/v1/people", "/api/v1/board-links", "/api/v1/me",
        })
        {
            Assert.True(await StatusAsync(tenant, get, path, link) == HttpStatusCode.Forbidden, $"GET {path} with a board link should be 403.");
        }
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(tenant, HttpMethod.Post, "/api/v1/events", link,
            new { events = new[] { new { id = "x-1", metric = "leads", value = 1, campaign, department = "marketing", source = "link" } } }));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(tenant, HttpMethod.Post, "/api/v1/board-links", link, new { name = "more", board = "overview" }));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(tenant, HttpMethod.Post, "/api/v1/keys", link, new { name = "more", scopes = new[] { "read" } }));
        Assert.Equal(0d, await tenant.ProgressAsync(goal)); // nothing was ingested

        // Live: its own board, and no other.
        await using var hub = Connect(link);
        await hub.StartAsync();
        var snapshot = await hub.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");
        Assert.Equal($"campaign:{campaign}", snapshot.GetProperty("boardId").GetString());
        foreach (var other in new[] { "overview", "campaign:other", "department:marketing" })
            await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("WatchBoard", other));

        // And it moves: an event on the campaign reaches the link's connection.
        var update = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JsonElement>("boardUpdate", u => update.TrySetResult(u));
        await tenant.PostEventsAsync(("link-1", 5));
        var pushed = await update.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal($"campaign:{campaign}", pushed.GetProperty("boardId").GetString());
    }

    [Fact]
    public async Task A_link_of_one_organization_never_reads_another()
    {
        var a = await system.CreateTenantAsync();
        var b = await system.CreateTenantAsync();
        await a.SeedLaunchAsync();
        await b.SeedLaunchAsync();
        await b.PostEventsAsync(("b-only", 42));
        var (id, link, _) = await CreateLinkAsync(a, "overview");

        // The organization comes from the link: the same board id is a's board, never b's.
        var board = await a.GetOkAsync("/api/v1/boards/overview", link);
        // a has no events: none of b's 42 leads shows (a substring check hit digits of a timestamp now and then).
        Assert.All(board["goals"]!.AsArray(), g => Assert.Equal(0, g!["eventCount"]!.GetValue<long>()));
        // b's admin cannot see or revoke a's link.
        Assert.DoesNotContain((await b.GetOkAsync("/api/v1/board-links")).AsArray(), l => l!["id"]!.GetValue<string>() == id);
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(b, HttpMethod.Delete, $"/api/v1/board-links/{id}", b.ApiKey));
        // A board b has and a does not is refused at creation.
        await b.PostOkAsync("/api/v1/campaigns", new { id = "b-campaign", name = "B", departments = new[] { "pr" } });
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(a, HttpMethod.Post, "/api/v1/board-links", a.ApiKey, new { name = "x", board = "campaign:b-campaign" }));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(a, HttpMethod.Get, "/api/v1/boards/overview", link));
    }

    [Fact]
    public async Task Creating_a_link_is_validated_and_listed_without_its_secret()
    {
        var tenant = await system.CreateTenantAsync();
        await tenant.SeedLaunchAsync();
        var key = tenant.ApiKey;
        var post = HttpMethod.Post;
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(tenant, post, "/api/v1/board-links", key, new { name = "x", board = "everything" }));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(tenant, post, "/api/v1/board-links", key, new { name = "x", board = "campaign:nope" }));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(tenant, post, "/api/v1/board-links", key, new { name = "x", board = "overview", expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(tenant, post, "/api/v1/board-links", key, new { name = "x", board = "overview", scopes = new[] { "admin" } }));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(tenant, post, "/api/v1/board-links", key, new { board = "overview" }));
        var read = await tenant.CreateReadKeyAsync();
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(tenant, post, "/api/v1/board-links", read, new { name = "x", board = "overview" }));

        var (id, link, _) = await CreateLinkAsync(tenant, "department:pr");
        var listed = (await tenant.GetOkAsync("/api/v1/board-links")).AsArray().Single(l => l!["id"]!.GetValue<string>() == id)!;
        Assert.Equal("department:pr", listed["board"]!.GetValue<string>());
        Assert.False(listed["revoked"]!.GetValue<bool>());
        Assert.DoesNotContain(link, (await tenant.GetOkAsync("/api/v1/board-links")).ToJsonString(), StringComparison.Ordinal);
        // Links are not keys: they are not listed, or revocable, as keys.
        Assert.DoesNotContain((await tenant.GetOkAsync("/api/v1/keys")).AsArray(), k => k!["id"]!.GetValue<string>() == id);
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(tenant, HttpMethod.Delete, $"/api/v1/keys/{id}", key));
    }

    [Fact]
    public async Task An_expired_link_is_refused_and_its_live_connection_is_closed_when_it_expires()
    {
        var tenant = await system.CreateTenantAsync();
        await tenant.SeedLaunchAsync();
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(4);
        var (_, link, created) = await CreateLinkAsync(tenant, "overview", expiresAt);
        Assert.NotNull(created["expiresAt"]);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(tenant, HttpMethod.Get, "/api/v1/boards/overview", link));
        await using var hub = Connect(link);
        var closed = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ => { closed.TrySetResult(DateTimeOffset.UtcNow); return Task.CompletedTask; };
        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement>("WatchBoard", "overview");

        var closedAt = await closed.Task.WaitAsync(TimeSpan.FromSeconds(4) + Deadlines.RevocationTakesEffect * 2);
        Assert.True(closedAt >= expiresAt.AddMilliseconds(-200), $"Closed {(expiresAt - closedAt).TotalMilliseconds:F0} ms before it expired.");
        Assert.True(closedAt - expiresAt < Deadlines.RevocationTakesEffect, $"Closed {(closedAt - expiresAt).TotalMilliseconds:F0} ms after it expired.");
        // The connection may close up to 200 ms early (clocks); the link is refused from its expiry on.
        if (expiresAt - DateTimeOffset.UtcNow is { Ticks: > 0 } early) await Task.Delay(early + TimeSpan.FromMilliseconds(50));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(tenant, HttpMethod.Get, "/api/v1/boards/overview", link));
        await using var again = Connect(link);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => again.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Revoking_a_link_refuses_it_and_closes_its_live_connection()
    {
        var tenant = await system.CreateTenantAsync();
        var (campaign, _) = await tenant.SeedLaunchAsync();
        var (id, link, _) = await CreateLinkAsync(tenant, $"campaign:{campaign}");
        var (_, otherLink, _) = await CreateLinkAsync(tenant, $"campaign:{campaign}");
        await using var hub = Connect(link);
        await using var other = Connect(otherLink);
        var closed = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ => { closed.TrySetResult(DateTime.UtcNow); return Task.CompletedTask; };
        await hub.StartAsync();
        await other.StartAsync();
        await hub.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");
        await other.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(tenant, HttpMethod.Get, $"/api/v1/boards/campaign:{campaign}", link)); // cached

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(tenant, HttpMethod.Delete, $"/api/v1/board-links/{id}", tenant.ApiKey));
        var revokedAt = DateTime.UtcNow;
        var closedAt = await closed.Task.WaitAsync(Deadlines.RevocationTakesEffect * 2);

        Assert.True(closedAt - revokedAt < Deadlines.RevocationTakesEffect, $"Closed {(closedAt - revokedAt).TotalMilliseconds:F0} ms after revocation.");
        var refusedFor = Stopwatch.StartNew();
        while (await StatusAsync(tenant, HttpMethod.Get, $"/api/v1/boards/campaign:{campaign}", link) != HttpStatusCode.Unauthorized)
        {
            Assert.True(refusedFor.Elapsed < Deadlines.RevocationTakesEffect, "The revoked link still reads its board.");
            await Task.Delay(20);
        }
        await using var again = Connect(link);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => again.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.True((await tenant.GetOkAsync("/api/v1/board-links")).AsArray().Single(l => l!["id"]!.GetValue<string>() == id)!["revoked"]!.GetValue<bool>());
        // The other link is untouched.
        Assert.Equal(HubConnectionState.Connected, other.State);
        await other.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(tenant, HttpMethod.Delete, "/api/v1/board-links/nope", tenant.ApiKey));
    }

    [Fact]
    public async Task A_lead_links_the_overview_war_rooms_and_its_own_departments_board_and_a_member_links_nothing()
    {
        var tenant = await system.CreateTenantAsync();
        var (campaign, _) = await tenant.SeedLaunchAsync();
        using var lead = await SignInAsync(tenant, await AddPersonAsync(tenant, "lead", "marketing"));
        using var member = await SignInAsync(tenant, await AddPersonAsync(tenant, "member", "marketing"));

        Assert.Equal(HttpStatusCode.Created, await PersonStatusAsync(lead, HttpMethod.Post, new { name = "m", board = "department:marketing" }));
        Assert.Equal(HttpStatusCode.Created, await PersonStatusAsync(lead, HttpMethod.Post, new { name = "w", board = $"campaign:{campaign}" }));
        Assert.Equal(HttpStatusCode.Created, await PersonStatusAsync(lead, HttpMethod.Post, new { name = "o", board = "overview" }));
        Assert.Equal(HttpStatusCode.Forbidden, await PersonStatusAsync(lead, HttpMethod.Post, new { name = "s", board = "department:sales" }));
        Assert.Equal(HttpStatusCode.Forbidden, await PersonStatusAsync(member, HttpMethod.Post, new { name = "x", board = "overview" }));
        Assert.Equal(HttpStatusCode.Forbidden, await PersonStatusAsync(member, HttpMethod.Get, null));

        // The admin's link for sales' board: the marketing lead neither sees nor revokes it.
        var (salesLink, _, _) = await CreateLinkAsync(tenant, "department:sales");
        using var list = await Send(lead, HttpMethod.Get, "/api/v1/board-links", null);
        var listed = (await list.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal(3, listed.Count);
        Assert.DoesNotContain(listed, l => l!["id"]!.GetValue<string>() == salesLink);
        using var revoke = await Send(lead, HttpMethod.Delete, $"/api/v1/board-links/{salesLink}", null);
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
        var mine = listed.First(l => l!["board"]!.GetValue<string>() == "department:marketing")!["id"]!.GetValue<string>();
        using var revokeMine = await Send(lead, HttpMethod.Delete, $"/api/v1/board-links/{mine}", null);
        Assert.Equal(HttpStatusCode.NoContent, revokeMine.StatusCode);
    }

    private const string Password = "a long enough password";

    private sealed record PersonClient(HttpClient Http, string Csrf) : IDisposable
    {
        public void Dispose() => Http.Dispose();
    }

    private static async Task<string> AddPersonAsync(Tenant tenant, string role, params string[] departments)
    {
        var email = $"{role}-{Guid.NewGuid():N}"[..20] + "@example.com";
        var added = await tenant.PostOkAsync("/api/v1/people", new { email, displayName = $"A {role}", role, departments });
        var token = added["setPasswordToken"]!.GetValue<string>();
        using var set = await tenant.System.Http.PostAsJsonAsync("/api/v1/account/password", new { email, token, password = Password });
        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        return email;
    }

    private async Task<PersonClient> SignInAsync(Tenant tenant, string email)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = system.Gateway };
        using var response = await http.PostAsJsonAsync("/api/v1/session", new { email, password = Password, organization = tenant.Id });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Sign-in failed: {(int)response.StatusCode} {text}");
        return new PersonClient(http, JsonNode.Parse(text)!["csrfToken"]!.GetValue<string>());
    }

    private static async Task<HttpResponseMessage> Send(PersonClient person, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, options: Tenant.Json);
        request.Headers.Add("X-CSRF-TOKEN", person.Csrf);
        return await person.Http.SendAsync(request);
    }

    private static async Task<HttpStatusCode> PersonStatusAsync(PersonClient person, HttpMethod method, object? body)
    {
        using var response = await Send(person, method, "/api/v1/board-links", body);
        return response.StatusCode;
    }
}
