using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Single sign-on against a real OpenID provider (oidc-provider, started by the system on loopback): an
/// admin configures it; people sign in through the provider's own sign-in form, followed as a browser
/// follows it (cookies, redirects, the form post), and get the same session a password gives; the
/// wrong domain, a stranger and the provider's refusal are turned away with no session; only admins see
/// or change the configuration, each organization its own; bad configurations change nothing.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class SsoTests(AlignSystem system)
{
    private const string Allowed = "allowed.example";

    /// <summary>A browser: one cookie jar for the gateway and the provider, redirects followed.</summary>
    internal sealed class Browser : IDisposable
    {
        public Browser(Uri gateway) => Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = true }) { BaseAddress = gateway };

        public CookieContainer Cookies { get; } = new();
        public HttpClient Http { get; }

        public void Dispose() => Http.Dispose();
    }

    private object Config(string? joinAs = null, string? secret = AlignSystem.OidcClientSecret, string[]? domains = null) => new
    {
        issuer = system.OidcIssuer.ToString().TrimEnd('/'),
        clientId = AlignSystem.OidcClientId,
        clientSecret = secret,
        allowedDomains = domains ?? [Allowed, "second.example"],
        joinAs,
    };

    private static async Task<JsonNode> ConfigureAsync(Tenant tenant, object config)
    {
        using var response = await tenant.SendAsync(HttpMethod.Put, "/api/v1/sso", config);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT /api/v1/sso: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<string> InviteAsync(Tenant tenant, string email, string role, params string[] departments)
    {
        await tenant.PostOkAsync("/api/v1/people", new { email, displayName = "Invited " + role, role, departments });
        return email;
    }

    /// <summary>
    /// Starts at the gateway, signs in on the provider's form as <paramref name="email"/> (or cancels there),
    /// and returns where the browser ended: a path and query of the gateway.
    /// </summary>
    internal static async Task<Uri> SignInThroughProviderAsync(Browser browser, string org, string email, string returnUrl = "/index.html", bool cancel = false)
    {
        using var login = await browser.Http.GetAsync($"/api/v1/sso/{org}/start?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var page = await login.Content.ReadAsStringAsync();
        Assert.True(login.StatusCode == HttpStatusCode.OK, $"The provider's sign-in page: {(int)login.StatusCode} {page}");
        var pageUri = login.RequestMessage!.RequestUri!;
        Assert.NotEqual(browser.Http.BaseAddress!.Authority, pageUri.Authority); // at the provider, not a page of ours
        if (cancel)
        {
            var abort = WebUtility.HtmlDecode(AbortLink().Match(page).Groups[1].Value);
            using var aborted = await browser.Http.GetAsync(new Uri(pageUri, abort));
            return aborted.RequestMessage!.RequestUri!;
        }
        var action = WebUtility.HtmlDecode(FormAction().Match(page).Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(action), $"No form on the provider's page: {page}");
        using var submitted = await browser.Http.PostAsync(new Uri(pageUri, action), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["prompt"] = "login",
            ["login"] = email,
            ["password"] = "any password: the test provider vouches for the typed email",
        }));
        var landed = submitted.RequestMessage!.RequestUri!;
        Assert.True(submitted.StatusCode == HttpStatusCode.OK, $"Landed on {landed}: {(int)submitted.StatusCode} {await submitted.Content.ReadAsStringAsync()}");
        return landed;
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();

    [GeneratedRegex("href=\"([^\"]*/abort)\"", RegexOptions.IgnoreCase)]
    private static partial Regex AbortLink();

    internal static async Task<JsonNode?> MeAsync(Browser browser)
    {
        using var me = await browser.Http.GetAsync("/api/v1/me");
        return me.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await me.Content.ReadAsStringAsync()) : null;
    }

    private static async Task<List<JsonNode>> AuditAsync(Tenant tenant, string action) =>
        [.. (await tenant.GetOkAsync($"/api/v1/audit?action={action}&limit=100"))["entries"]!.AsArray().Select(e => e!)];

    [Fact]
    public async Task An_invited_member_signs_in_through_the_provider_and_gets_the_same_session_as_with_a_password()
    {
        var tenant = await system.CreateTenantAsync("sso-in");
        await tenant.SeedLaunchAsync();
        var email = await InviteAsync(tenant, $"ada-{Guid.NewGuid():N}"[..12] + "@" + Allowed, "member", "marketing");
        var configured = await ConfigureAsync(tenant, Config());
        Assert.True(configured["clientSecretSet"]!.GetValue<bool>());
        Assert.Null(configured["clientSecret"]);
        Assert.Equal(new Uri(system.Gateway, $"/api/v1/sso/{tenant.Id}/callback").ToString(), configured["redirectUri"]!.GetValue<string>());

        using var browser = new Browser(system.Gateway);
        var landed = await SignInThroughProviderAsync(browser, tenant.Id, email.ToUpperInvariant(), "/index.html?board=overview");
        Assert.Equal(system.Gateway.Authority, landed.Authority);
        Assert.Equal("/index.html?board=overview", landed.PathAndQuery);

        var me = await MeAsync(browser);
        Assert.NotNull(me);
        Assert.Equal("person", me!["kind"]!.GetValue<string>());
        Assert.Equal(email, me["email"]!.GetValue<string>());
        Assert.Equal(tenant.Id, me["organization"]!.GetValue<string>());
        Assert.Equal("member", me["role"]!.GetValue<string>());
        // The session works as any: it reads the board, and changes what a member of marketing may, with its antiforgery token.
        using (var board = await browser.Http.GetAsync("/api/v1/boards/overview")) Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        using (var announce = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feed/announcements")
               { Content = JsonContent.Create(new { from = "marketing", text = "Signed in with SSO" }) })
        {
            announce.Headers.Add("X-CSRF-TOKEN", me["csrfToken"]!.GetValue<string>());
            using var announced = await browser.Http.SendAsync(announce);
            Assert.True(announced.StatusCode == HttpStatusCode.Created, $"{(int)announced.StatusCode} {await announced.Content.ReadAsStringAsync()}");
        }
        // No cookie of the OpenID Connect handler stands in for the session: only the session cookie does.
        var gatewayCookies = browser.Cookies.GetCookies(system.Gateway).Select(c => c.Name).ToList();
        Assert.DoesNotContain(gatewayCookies, n => n.StartsWith(".AspNetCore.OpenIdConnect", StringComparison.Ordinal) || n.StartsWith(".AspNetCore.Correlation", StringComparison.Ordinal));

        var configuredEntry = Assert.Single(await AuditAsync(tenant, "sso.configured"));
        Assert.Equal("succeeded", configuredEntry["outcome"]!.GetValue<string>());
        Assert.DoesNotContain(AlignSystem.OidcClientSecret, configuredEntry.ToJsonString(), StringComparison.Ordinal);
        var signedIn = Assert.Single(await AuditAsync(tenant, "sso.signed_in"));
        Assert.Equal(email, signedIn["actor"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_disallowed_email_domain_is_refused_and_no_session_exists()
    {
        var tenant = await system.CreateTenantAsync("sso-dom");
        await tenant.SeedLaunchAsync();
        // Invited (so a member), but from a domain the organization's SSO does not vouch for.
        var email = await InviteAsync(tenant, $"eve-{Guid.NewGuid():N}"[..12] + "@elsewhere.example", "member", "marketing");
        await ConfigureAsync(tenant, Config());

        using var browser = new Browser(system.Gateway);
        var landed = await SignInThroughProviderAsync(browser, tenant.Id, email);
        Assert.Equal("/", landed.AbsolutePath);
        Assert.Contains("ssoError=domain_not_allowed", landed.Query, StringComparison.Ordinal);
        Assert.Contains($"org={tenant.Id}", landed.Query, StringComparison.Ordinal);
        Assert.Null(await MeAsync(browser));
        Assert.DoesNotContain(browser.Cookies.GetCookies(system.Gateway), c => c.Name == "align.session");

        var refused = Assert.Single(await AuditAsync(tenant, "sso.sign_in_refused"));
        Assert.Equal("domain_not_allowed", refused["detail"]!["reason"]!.GetValue<string>());
        Assert.Equal(email, refused["actor"]!["id"]!.GetValue<string>());
        Assert.Empty(await AuditAsync(tenant, "sso.signed_in"));
    }

    [Fact]
    public async Task An_address_the_provider_has_not_verified_is_refused_even_for_a_member()
    {
        var tenant = await system.CreateTenantAsync("sso-unv");
        var email = await InviteAsync(tenant, $"unverified.{Guid.NewGuid():N}"[..20] + "@" + Allowed, "viewer");
        await ConfigureAsync(tenant, Config());

        using var browser = new Browser(system.Gateway);
        var landed = await SignInThroughProviderAsync(browser, tenant.Id, email);
        Assert.Contains("ssoError=email_not_verified", landed.Query, StringComparison.Ordinal);
        Assert.Null(await MeAsync(browser));
        var refused = Assert.Single(await AuditAsync(tenant, "sso.sign_in_refused"));
        Assert.Equal("email_not_verified", refused["detail"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_person_not_invited_is_refused_until_the_organization_lets_its_domain_join_as_viewers()
    {
        var tenant = await system.CreateTenantAsync("sso-new");
        await tenant.SeedLaunchAsync();
        await ConfigureAsync(tenant, Config());
        var stranger = $"sam-{Guid.NewGuid():N}"[..12] + "@second.example";

        using (var browser = new Browser(system.Gateway))
        {
            var landed = await SignInThroughProviderAsync(browser, tenant.Id, stranger);
            Assert.Contains("ssoError=not_a_member", landed.Query, StringComparison.Ordinal);
            Assert.Null(await MeAsync(browser));
        }
        var people = (await tenant.GetOkAsync("/api/v1/people")).AsArray();
        Assert.DoesNotContain(people, p => p!["email"]!.GetValue<string>() == stranger);

        // The admin changes only joinAs (the secret is kept): the change takes effect at the next sign-in.
        var changed = await ConfigureAsync(tenant, Config(joinAs: "viewer", secret: null));
        Assert.Equal("viewer", changed["joinAs"]!.GetValue<string>());
        Assert.True(changed["clientSecretSet"]!.GetValue<bool>());
        using (var browser = new Browser(system.Gateway))
        {
            var landed = await SignInThroughProviderAsync(browser, tenant.Id, stranger);
            Assert.Equal("/index.html", landed.PathAndQuery);
            var me = await MeAsync(browser);
            Assert.Equal("viewer", me!["role"]!.GetValue<string>());
            // A viewer reads, and changes nothing.
            using var announce = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feed/announcements") { Content = JsonContent.Create(new { from = "marketing", text = "No" }) };
            announce.Headers.Add("X-CSRF-TOKEN", me["csrfToken"]!.GetValue<string>());
            using var refused = await browser.Http.SendAsync(announce);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        people = (await tenant.GetOkAsync("/api/v1/people")).AsArray();
        Assert.Contains(people, p => p!["email"]!.GetValue<string>() == stranger && p["role"]!.GetValue<string>() == "viewer");
        var joined = Assert.Single(await AuditAsync(tenant, "sso.signed_in"));
        Assert.Equal("viewer", joined["detail"]!["joinedAs"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_changed_configuration_takes_effect_at_the_next_sign_in()
    {
        var tenant = await system.CreateTenantAsync("sso-chg");
        var email = await InviteAsync(tenant, $"cy-{Guid.NewGuid():N}"[..12] + "@" + Allowed, "viewer");
        // A wrong secret passes the discovery check (the issuer is right), but the provider refuses the client
        // (its pushed authorization request): the browser is back on the sign-in page, with no session.
        await ConfigureAsync(tenant, Config(secret: "not-the-client-secret"));
        using (var browser = new Browser(system.Gateway))
        {
            using var start = await browser.Http.GetAsync($"/api/v1/sso/{tenant.Id}/start");
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
            var landed = start.RequestMessage!.RequestUri!;
            Assert.Equal(system.Gateway.Authority, landed.Authority);
            Assert.Equal($"?org={tenant.Id}&ssoError=provider_error", landed.Query);
            Assert.Null(await MeAsync(browser));
        }

        // The admin puts the right secret: the gateway's cached options for the organization are rebuilt.
        await ConfigureAsync(tenant, Config());
        using (var browser = new Browser(system.Gateway))
        {
            var landed = await SignInThroughProviderAsync(browser, tenant.Id, email);
            Assert.Equal("/index.html", landed.PathAndQuery);
            Assert.Equal("viewer", (await MeAsync(browser))!["role"]!.GetValue<string>());
        }
        // And narrowing the domains shuts the same person out at once.
        await ConfigureAsync(tenant, Config(secret: null, domains: ["second.example"]));
        using (var browser = new Browser(system.Gateway))
        {
            var landed = await SignInThroughProviderAsync(browser, tenant.Id, email);
            Assert.Contains("ssoError=domain_not_allowed", landed.Query, StringComparison.Ordinal);
            Assert.Null(await MeAsync(browser));
        }
    }

    [Fact]
    public async Task The_provider_s_refusal_and_an_organization_without_sso_end_on_the_sign_in_page_or_a_problem()
    {
        var tenant = await system.CreateTenantAsync("sso-deny");
        var email = await InviteAsync(tenant, $"bo-{Guid.NewGuid():N}"[..12] + "@" + Allowed, "viewer");

        // No SSO yet: the start is a 404 problem, and so is a return path that is not this site's.
        using (var start = await system.Http.GetAsync($"/api/v1/sso/{tenant.Id}/start")) await AlignmentApi.AssertProblemAsync(start, 404);
        using (var start = await system.Http.GetAsync("/api/v1/sso/no-such-org-anywhere/start")) await AlignmentApi.AssertProblemAsync(start, 404);
        await ConfigureAsync(tenant, Config());
        foreach (var evil in new[] { "//evil.example/", "https://evil.example/", "/\\evil.example", "index.html" })
        {
            using var start = await system.Http.GetAsync($"/api/v1/sso/{tenant.Id}/start?returnUrl={Uri.EscapeDataString(evil)}");
            await AlignmentApi.AssertProblemAsync(start, 400, "returnUrl");
        }
        var status = await system.Http.GetFromJsonAsync<JsonNode>($"/api/v1/sso/{tenant.Id}");
        Assert.True(status!["enabled"]!.GetValue<bool>());

        // The person cancels at the provider: access_denied, no session, and the log says so.
        using (var browser = new Browser(system.Gateway))
        {
            var landed = await SignInThroughProviderAsync(browser, tenant.Id, email, cancel: true);
            Assert.Equal(system.Gateway.Authority, landed.Authority);
            Assert.Contains("ssoError=access_denied", landed.Query, StringComparison.Ordinal);
            Assert.Null(await MeAsync(browser));
        }
        var failed = Assert.Single(await AuditAsync(tenant, "sso.sign_in_failed"));
        Assert.Equal("access_denied", failed["detail"]!["reason"]!.GetValue<string>());

        // Turned off: the start is a 404 again, and a callback that arrives anyway lands on the sign-in page.
        using (var removed = await tenant.SendAsync(HttpMethod.Delete, "/api/v1/sso")) Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using (var start = await system.Http.GetAsync($"/api/v1/sso/{tenant.Id}/start")) await AlignmentApi.AssertProblemAsync(start, 404);
        using (var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = system.Gateway })
        using (var callback = await noRedirect.GetAsync($"/api/v1/sso/{tenant.Id}/callback?code=x&state=y"))
        {
            Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
            Assert.Equal($"/?org={tenant.Id}&ssoError=not_configured", callback.Headers.Location!.OriginalString);
        }
        status = await system.Http.GetFromJsonAsync<JsonNode>($"/api/v1/sso/{tenant.Id}");
        Assert.False(status!["enabled"]!.GetValue<bool>());
        Assert.Single(await AuditAsync(tenant, "sso.removed"));
    }

    [Fact]
    public async Task Only_admins_see_and_change_sso_and_each_organization_only_its_own()
    {
        var a = await system.CreateTenantAsync("sso-a");
        var b = await system.CreateTenantAsync("sso-b");
        await a.SeedLaunchAsync();
        await ConfigureAsync(a, Config());
        var read = await a.CreateReadKeyAsync();
        var ingest = (await a.PostOkAsync("/api/v1/keys", new { name = "tool", scopes = new[] { "ingest" } }))["apiKey"]!.GetValue<string>();
        var lead = await InviteAsync(a, $"li-{Guid.NewGuid():N}"[..12] + "@" + Allowed, "lead", "marketing");

        foreach (var key in new[] { read, ingest })
        {
            using (var get = await a.SendAsync(HttpMethod.Get, "/api/v1/sso", key: key)) await AlignmentApi.AssertProblemAsync(get, 403);
            using (var put = await a.SendAsync(HttpMethod.Put, "/api/v1/sso", Config(joinAs: "viewer"), key)) await AlignmentApi.AssertProblemAsync(put, 403);
            using (var delete = await a.SendAsync(HttpMethod.Delete, "/api/v1/sso", key: key)) await AlignmentApi.AssertProblemAsync(delete, 403);
        }
        // A lead signed in through SSO itself may not touch it either.
        using (var browser = new Browser(system.Gateway))
        {
            await SignInThroughProviderAsync(browser, a.Id, lead);
            var me = await MeAsync(browser);
            Assert.Equal("lead", me!["role"]!.GetValue<string>());
            using (var get = await browser.Http.GetAsync("/api/v1/sso")) await AlignmentApi.AssertProblemAsync(get, 403);
            using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/sso");
            delete.Headers.Add("X-CSRF-TOKEN", me["csrfToken"]!.GetValue<string>());
            using var deleted = await browser.Http.SendAsync(delete);
            await AlignmentApi.AssertProblemAsync(deleted, 403);
        }
        using (var anonymous = await system.Http.GetAsync("/api/v1/sso")) await AlignmentApi.AssertProblemAsync(anonymous, 401);

        // Another organization's admin sees its own (none) and changes its own only.
        using (var other = await b.SendAsync(HttpMethod.Get, "/api/v1/sso")) await AlignmentApi.AssertProblemAsync(other, 404);
        using (var other = await b.SendAsync(HttpMethod.Delete, "/api/v1/sso")) await AlignmentApi.AssertProblemAsync(other, 404);
        await ConfigureAsync(b, Config(joinAs: "viewer", domains: ["b.example"]));
        var mine = await a.GetOkAsync("/api/v1/sso");
        Assert.Null(mine["joinAs"]);
        Assert.Equal([Allowed, "second.example"], mine["allowedDomains"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Empty(await AuditAsync(a, "sso.removed"));
    }

    [Fact]
    public async Task Bad_configurations_are_refused_with_problem_documents_and_change_nothing()
    {
        var tenant = await system.CreateTenantAsync("sso-bad");
        var issuer = system.OidcIssuer.ToString().TrimEnd('/');
        var bad = new (object Body, int Status, string? Field)[]
        {
            (new { issuer, clientId = "c", clientSecret = "s", allowedDomains = new[] { Allowed }, extra = true }, 400, null),
            (new { issuer = "http://idp.example.com", clientId = "c", clientSecret = "s", allowedDomains = new[] { Allowed } }, 400, "issuer"),
            (new { issuer = "ftp://idp.example.com", clientId = "c", clientSecret = "s", allowedDomains = new[] { Allowed } }, 400, "issuer"),
            (new { issuer = "https://user:pw@idp.example.com", clientId = "c", clientSecret = "s", allowedDomains = new[] { Allowed } }, 400, "issuer"),
            (new { issuer = "not a url", clientId = "c", clientSecret = "s", allowedDomains = new[] { Allowed } }, 400, "issuer"),
            (new { issuer, clientId = "", clientSecret = "s", allowedDomains = new[] { Allowed } }, 400, "clientId"),
            (new { issuer, clientId = "c", clientSecret = "s", allowedDomains = Array.Empty<string>() }, 400, "allowedDomains"),
            (new { issuer, clientId = "c", clientSecret = "s" }, 400, "allowedDomains"),
            (new { issuer, clientId = "c", clientSecret = "s", allowedDomains = new[] { "not a domain" } }, 400, "allowedDomains[0]"),
            (new { issuer, clientId = "c", clientSecret = "s", allowedDomains = new[] { "localhost" } }, 400, "allowedDomains[0]"),
            (new { issuer, clientId = "c", clientSecret = "s", allowedDomains = new[] { Allowed }, joinAs = "admin" }, 400, "joinAs"),
            // No secret is set yet, so one must be given.
            (new { issuer, clientId = "c", allowedDomains = new[] { Allowed } }, 400, "clientSecret"),
            // Reachable, but not an OpenID provider (the gateway itself), and a provider under another issuer name.
            (new { issuer = system.Gateway.ToString().TrimEnd('/'), clientId = "c", clientSecret = "s", allowedDomains = new[] { Allowed } }, 422, null),
            (new { issuer = issuer + "/tenant", clientId = "c", clientSecret = "s", allowedDomains = new[] { Allowed } }, 422, null),
            // Nothing listens there.
            (new { issuer = "http://127.0.0.1:9", clientId = "c", clientSecret = "s", allowedDomains = new[] { Allowed } }, 422, null),
        };
        foreach (var (body, status, field) in bad)
        {
            using var response = await tenant.SendAsync(HttpMethod.Put, "/api/v1/sso", body);
            await AlignmentApi.AssertProblemAsync(response, status, field);
        }
        using (var none = await tenant.SendAsync(HttpMethod.Get, "/api/v1/sso")) await AlignmentApi.AssertProblemAsync(none, 404);

        await ConfigureAsync(tenant, Config());
        var before = (await tenant.GetOkAsync("/api/v1/sso")).ToJsonString();
        foreach (var (body, status, field) in bad)
        {
            using var response = await tenant.SendAsync(HttpMethod.Put, "/api/v1/sso", body);
            if (field == "clientSecret") { Assert.Equal(HttpStatusCode.OK, response.StatusCode); continue; } // a secret is set now: kept
            await AlignmentApi.AssertProblemAsync(response, status, field);
        }
        // The one accepted change (the kept secret, client id "c") is the only one; put the good one back and compare.
        await ConfigureAsync(tenant, Config(secret: null));
        var after = JsonNode.Parse((await tenant.GetOkAsync("/api/v1/sso")).ToJsonString())!.AsObject();
        var expected = JsonNode.Parse(before)!.AsObject();
        after.Remove("updatedAt");
        expected.Remove("updatedAt");
        Assert.Equal(expected.ToJsonString(), after.ToJsonString());
        Assert.Equal(3, (await AuditAsync(tenant, "sso.configured")).Count(e => e!["outcome"]!.GetValue<string>() == "succeeded"));
    }
}
