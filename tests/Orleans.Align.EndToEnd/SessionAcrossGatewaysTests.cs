using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>A session cookie issued by one gateway is accepted by every other: the key ring that encrypts it lives in the cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SessionAcrossGatewaysTests(ThreeSiloCluster system)
{
    [Fact]
    public async Task A_person_signed_in_on_one_gateway_is_signed_in_on_the_other_and_signing_out_there_ends_it_everywhere()
    {
        var tenant = await system.CreateTenantAsync("sg");
        var email = $"p-{Guid.NewGuid():N}@example.com";
        const string password = "a password for two gateways";
        var added = await tenant.PostOkAsync("/api/v1/people", new { email, displayName = "Two Gateways", role = "viewer", departments = Array.Empty<string>() });
        using (var set = await system.Http.PostAsJsonAsync("/api/v1/account/password", new { email, token = added["setPasswordToken"]!.GetValue<string>(), password }))
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);

        var cookies = new CookieContainer();
        using var first = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = system.Gateways[0] };
        using var second = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = system.Gateways[1] };
        using var signIn = await first.PostAsJsonAsync("/api/v1/session", new { email, password, organization = tenant.Id });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var csrf = JsonNode.Parse(await signIn.Content.ReadAsStringAsync())!["csrfToken"]!.GetValue<string>();

        using var me = await second.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(email, JsonNode.Parse(await me.Content.ReadAsStringAsync())!["email"]!.GetValue<string>());

        // The antiforgery token from the first gateway is good on the second, and signing out there ends the session on the first.
        using var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/session");
        signOut.Headers.Add("X-CSRF-TOKEN", csrf);
        using var copy = new HttpClient(new HttpClientHandler { CookieContainer = Copy(cookies, system.Gateways[0]) }) { BaseAddress = system.Gateways[0] };
        using var signedOut = await second.SendAsync(signOut);
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        await Eventually.EqualAsync(HttpStatusCode.Unauthorized, async () => (await copy.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_lead_demoted_while_signed_in_is_refused_a_check_in_on_both_gateways_long_before_their_caches_expire()
    {
        var tenant = await system.CreateTenantAsync("sg");
        var (_, goal) = await tenant.SeedLaunchAsync();
        var email = await tenant.AddPersonAsync("lead", "pr");
        using var first = await tenant.SignInAsync(email, system.Gateways[0]);
        using var second = first.On(system.Gateways[1]);
        // Both gateways have checked, and cached, the session as a lead's.
        foreach (var browser in new[] { first, second })
            Assert.Equal(HttpStatusCode.OK, await browser.StatusAsync(HttpMethod.Post, $"/api/v1/goals/{goal}/check-ins", new { department = "pr", confidence = 6 }));

        await RoleChangeTests.ChangeOkAsync(tenant, email, "viewer");

        await Task.WhenAll(new[] { first, second }.Select((browser, i) => RoleChangeTests.WithinPropagationAsync(HttpStatusCode.Forbidden,
            () => browser.StatusAsync(HttpMethod.Post, $"/api/v1/goals/{goal}/check-ins", new { department = "pr", confidence = 2 }), $"The check-in on gateway {i}")));
        foreach (var browser in new[] { first, second })
            Assert.Equal("viewer", JsonNode.Parse(await browser.Http.GetStringAsync("/api/v1/me"))!["role"]!.GetValue<string>());
    }

    private static CookieContainer Copy(CookieContainer cookies, Uri gateway)
    {
        var copy = new CookieContainer();
        foreach (Cookie cookie in cookies.GetCookies(gateway)) copy.Add(cookie);
        return copy;
    }
}
