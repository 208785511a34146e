using System.Net;
using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Single sign-on with two gateways: an organization configured through one gateway signs its people in
/// through the other, which never saw the change, and a later change made on the first takes effect on the
/// second at its next sign-in.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SsoAcrossGatewaysTests(ThreeSiloCluster system)
{
    private async Task ConfigureAsync(Tenant tenant, string[] domains)
    {
        using var response = await tenant.SendAsync(HttpMethod.Put, "/api/v1/sso", new
        {
            issuer = system.OidcIssuer.ToString().TrimEnd('/'),
            clientId = AlignSystem.OidcClientId,
            clientSecret = AlignSystem.OidcClientSecret,
            allowedDomains = domains,
        });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sso_configured_on_one_gateway_signs_people_in_on_the_other_and_its_changes_reach_it()
    {
        var tenant = await system.CreateTenantAsync("sso-gw");
        var email = $"gw-{Guid.NewGuid():N}"[..12] + "@allowed.example";
        await tenant.PostOkAsync("/api/v1/people", new { email, displayName = "Two Gateways", role = "viewer" });
        await ConfigureAsync(tenant, ["allowed.example"]); // through gateway 0

        using (var browser = new SsoTests.Browser(system.Gateways[1]))
        {
            var landed = await SsoTests.SignInThroughProviderAsync(browser, tenant.Id, email);
            Assert.Equal(system.Gateways[1].Authority, landed.Authority);
            Assert.Equal("/index.html", landed.PathAndQuery);
            Assert.Equal(email, (await SsoTests.MeAsync(browser))!["email"]!.GetValue<string>());
            // The session is the cluster's, not the gateway's: gateway 0 accepts its cookie too.
            using var onFirst = new HttpClient(new HttpClientHandler { CookieContainer = Copy(browser.Cookies, system.Gateways[1], system.Gateways[0]) }) { BaseAddress = system.Gateways[0] };
            using var me = await onFirst.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        // Gateway 0 narrows the domains; gateway 1, which built its options from the old settings, follows at once.
        await ConfigureAsync(tenant, ["second.example"]);
        using (var browser = new SsoTests.Browser(system.Gateways[1]))
        {
            var landed = await SsoTests.SignInThroughProviderAsync(browser, tenant.Id, email);
            Assert.Contains("ssoError=domain_not_allowed", landed.Query, StringComparison.Ordinal);
            Assert.Null(await SsoTests.MeAsync(browser));
        }

        // Turned off on gateway 0: gateway 1's start is a 404.
        using (var removed = await tenant.SendAsync(HttpMethod.Delete, "/api/v1/sso")) Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using var second = new HttpClient { BaseAddress = system.Gateways[1] };
        using var start = await second.GetAsync($"/api/v1/sso/{tenant.Id}/start");
        await AlignmentApi.AssertProblemAsync(start, 404);
    }

    /// <summary>The session cookie of <paramref name="from"/>, for <paramref name="to"/> (another port of the same host).</summary>
    private static CookieContainer Copy(CookieContainer cookies, Uri from, Uri to)
    {
        var copy = new CookieContainer();
        foreach (Cookie c in cookies.GetCookies(from)) copy.Add(to, new Cookie(c.Name, c.Value, "/"));
        return copy;
    }
}
