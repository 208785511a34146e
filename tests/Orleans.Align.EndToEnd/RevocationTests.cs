using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Orleans.Runtime;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Revocation takes effect everywhere (how soon: docs/benchmarks.md, "Revocation latency"), closes live connections, and cannot be outrun by minting
/// a key; a token that is not a key costs the cluster nothing.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RevocationTests(AlignSystem system)
{
    private HubConnection Connect(string key) => new HubConnectionBuilder()
        .WithUrl(new Uri(system.Gateway, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(key))
        .Build();

    private static async Task<(string Id, string Key)> CreateKeyAsync(Tenant tenant, params string[] scopes)
    {
        var created = await tenant.PostOkAsync("/api/v1/keys", new { name = "key " + string.Join("+", scopes), scopes });
        return (created["id"]!.GetValue<string>(), created["apiKey"]!.GetValue<string>());
    }

    private static async Task RevokeAsync(Tenant tenant, string keyId)
    {
        using var response = await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/keys/{keyId}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static async Task<HttpStatusCode> StatusWithAsync(Tenant tenant, string key, string path = "/api/v1/departments")
    {
        using var response = await tenant.SendAsync(HttpMethod.Get, path, key: key);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_revoked_key_is_refused_everywhere_long_before_its_cached_copy_expires()
    {
        var tenant = await system.CreateTenantAsync();
        var (id, key) = await CreateKeyAsync(tenant, "read");
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(tenant, key)); // now cached by the gateway

        await RevokeAsync(tenant, id);
        var revokedAt = Stopwatch.StartNew();
        while (await StatusWithAsync(tenant, key) != HttpStatusCode.Unauthorized)
        {
            Assert.True(revokedAt.Elapsed < Deadlines.RevocationTakesEffect, $"The revoked key still works {revokedAt.Elapsed.TotalMilliseconds:F0} ms after revocation.");
            await Task.Delay(20);
        }

        Assert.True(revokedAt.Elapsed < Deadlines.RevocationTakesEffect, $"Refused only after {revokedAt.Elapsed.TotalMilliseconds:F0} ms.");
        await Task.Delay(300);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(tenant, key)); // and stays refused
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(tenant, tenant.ApiKey)); // other keys are unaffected
    }

    [Fact]
    public async Task A_revoked_admin_key_cannot_mint_a_key_even_immediately_after_revocation()
    {
        var tenant = await system.CreateTenantAsync();
        var (id, admin) = await CreateKeyAsync(tenant, "admin");
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(tenant, admin, "/api/v1/keys")); // cached, and proven to work

        await RevokeAsync(tenant, id);
        using var mint = await tenant.SendAsync(HttpMethod.Post, "/api/v1/keys", new { name = "backdoor", scopes = new[] { "admin" } }, key: admin);
        using var revoke = await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/keys/{id}", key: admin);

        Assert.Equal(HttpStatusCode.Unauthorized, mint.StatusCode);
        Assert.Equal("application/problem+json", mint.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, revoke.StatusCode);
        var keys = (await tenant.GetOkAsync("/api/v1/keys")).AsArray();
        Assert.DoesNotContain(keys, k => k!["name"]!.GetValue<string>() == "backdoor");
    }

    [Fact]
    public async Task Revoking_a_read_key_closes_its_live_connection_and_it_can_no_longer_watch()
    {
        var tenant = await system.CreateTenantAsync();
        var (campaign, _) = await tenant.SeedLaunchAsync();
        var (id, key) = await CreateKeyAsync(tenant, "read");
        var (_, otherKey) = await CreateKeyAsync(tenant, "read");
        await using var hub = Connect(key);
        await using var other = Connect(otherKey);
        var closed = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult(DateTime.UtcNow);
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        await other.StartAsync();
        await hub.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");
        await other.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");

        await RevokeAsync(tenant, id);
        var revokedAt = DateTime.UtcNow;
        var closedAt = await closed.Task.WaitAsync(Deadlines.RevocationTakesEffect * 2);

        Assert.True(closedAt - revokedAt < Deadlines.RevocationTakesEffect, $"Closed {(closedAt - revokedAt).TotalMilliseconds:F0} ms after revocation.");
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
        await Assert.ThrowsAnyAsync<Exception>(() => hub.InvokeAsync<JsonElement>("WatchBoard", "overview"));
        await using var again = Connect(key);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => again.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // The other key's connection is untouched.
        Assert.Equal(HubConnectionState.Connected, other.State);
        await other.InvokeAsync<JsonElement>("WatchBoard", "overview");
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("ak_")]
    [InlineData("ak_0123456789012345678901234567890123456789012345678901")]
    [InlineData("ak_0123456789012345678901234567890123456789012345678")]
    [InlineData("ak_!!!")]
    public async Task A_malformed_token_gets_a_401_problem_document(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/departments");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await system.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(401, problem!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_very_long_token_gets_a_401_problem_document()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/goals");
        request.Headers.Add("X-Api-Key", "ak_" + new string('A', 4000));
        using var response = await system.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_keys_and_malformed_tokens_activate_no_grain()
    {
        await using var probe = await system.ConnectProbeAsync();
        var management = probe.Client.GetGrain<IManagementGrain>(0);
        // Warm up what every lookup needs (the silo's lookup workers), as any earlier request would have.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync(WellFormedUnknownKey())));
        var before = await management.GetSimpleGrainStatistics();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => SendAsync(i % 2 == 0 ? WellFormedUnknownKey() : RandomToken())));

        var after = await management.GetSimpleGrainStatistics();
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(KeyGrains(before), KeyGrains(after));
        // What authenticating can reach: keys, links, revocations, accounts, memberships, sessions. Other
        // grains (boards, goals, campaigns, departments, feeds) are woken by earlier tests' reminders and
        // timers in this shared system while this one runs, and say nothing about authentication.
        var added = CredentialGrains(after) - CredentialGrains(before);
        Assert.True(added < 10, $"300 refused tokens left {added} more credential grain activations: {Describe(before, after)}");

        static int KeyGrains(SimpleGrainStatistic[] stats) =>
            stats.Where(s => s.GrainType.Contains(".ApiKeyGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        static int CredentialGrains(SimpleGrainStatistic[] stats) =>
            stats.Where(s => s.GrainType.Contains(".Grains.Keys.", StringComparison.Ordinal) || s.GrainType.Contains(".Grains.People.", StringComparison.Ordinal))
                .Sum(s => s.ActivationCount);
    }

    private async Task<HttpStatusCode> SendAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/departments");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await system.Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A key of the right shape and checksum that nobody issued: what an attacker who knows the format sends.</summary>
    private static string WellFormedUnknownKey()
    {
        var body = "ak_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return body + Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(body)).AsSpan(0, 6));
    }

    private static string RandomToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(8, 64)));

    private static string Describe(SimpleGrainStatistic[] before, SimpleGrainStatistic[] after) =>
        string.Join(", ", after.GroupBy(s => s.GrainType)
            .Select(g => (Type: g.Key, Delta: g.Sum(s => s.ActivationCount) - before.Where(b => b.GrainType == g.Key).Sum(b => b.ActivationCount)))
            .Where(d => d.Delta != 0).Select(d => $"{d.Type} {d.Delta:+#;-#}"));
}
