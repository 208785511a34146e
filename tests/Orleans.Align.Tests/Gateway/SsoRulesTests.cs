using System.Net;
using Microsoft.AspNetCore.Http;
using Orleans.Align.Gateway.Sso;

namespace Orleans.Align.Tests.Gateway;

/// <summary>The pure rules of single sign-on: issuers, domains, return paths, callback paths and the addresses the gateway may reach.</summary>
public sealed class SsoRulesTests
{
    [Theory]
    [InlineData("https://login.example.com", false, true)]
    [InlineData("https://login.example.com/tenant/v2.0", false, true)]
    [InlineData("http://login.example.com", true, false)] // plain http only on loopback
    [InlineData("http://127.0.0.1:4010", false, false)] // loopback only where allowed
    [InlineData("http://127.0.0.1:4010", true, true)]
    [InlineData("http://localhost:4010", true, true)]
    [InlineData("http://[::1]:4010", true, true)]
    [InlineData("ftp://login.example.com", true, false)]
    [InlineData("https://user:pw@login.example.com", true, false)]
    [InlineData("https://login.example.com/?x=1", true, false)]
    [InlineData("https://login.example.com/#x", true, false)]
    [InlineData("/relative", true, false)]
    [InlineData("", true, false)]
    [InlineData(null, true, false)]
    public void An_issuer_is_https_or_loopback_http_where_allowed(string? issuer, bool allowLoopback, bool accepted) =>
        Assert.Equal(accepted, SsoRules.IssuerProblem(issuer, allowLoopback) is null);

    [Theory]
    [InlineData("Example.COM.", "example.com")]
    [InlineData(" sub.example.co.uk ", "sub.example.co.uk")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("localhost", null)]
    [InlineData("not a domain", null)]
    [InlineData("-bad.example", null)]
    [InlineData("bad-.example", null)]
    [InlineData("a..example", null)]
    [InlineData("user@example.com", null)]
    [InlineData("", null)]
    public void A_domain_has_one_spelling_or_is_refused(string domain, string? normalized) =>
        Assert.Equal(normalized, SsoRules.NormalizeDomain(domain));

    [Theory]
    [InlineData("ada@example.com", true)]
    [InlineData("ada@EXAMPLE.com", true)]
    [InlineData("ada@other.example", true)]
    [InlineData("ada@evil.example.com", false)] // no subdomains
    [InlineData("ada@example.com.evil.net", false)]
    [InlineData("ada@notexample.com", false)]
    [InlineData("example.com@evil.net", false)]
    public void Only_an_allowed_domain_exactly_lets_an_email_in(string email, bool allowed) =>
        Assert.Equal(allowed, SsoRules.DomainAllowed(email, ["example.com", "other.example"]));

    [Theory]
    [InlineData("/", true)]
    [InlineData("/index.html?board=overview", true)]
    [InlineData("/a/b#c", true)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("https://evil.example/", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("index.html", false)]
    [InlineData("/a\nb", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_return_url_is_a_path_of_this_site(string? returnUrl, bool local) =>
        Assert.Equal(local, SsoRules.IsLocalReturnUrl(returnUrl));

    [Fact]
    public void Each_organization_has_its_own_scheme_and_callback()
    {
        Assert.Equal("sso:acme", SsoRules.SchemeName("acme"));
        Assert.Equal("acme", SsoRules.OrgOfScheme("sso:acme"));
        Assert.Null(SsoRules.OrgOfScheme("Session"));
        Assert.Null(SsoRules.OrgOfScheme("sso:Not An Id"));
        Assert.Equal("/api/v1/sso/acme/callback", SsoRules.CallbackPath("acme"));
        Assert.Equal("acme", SsoHosting.CallbackOrg(new PathString("/api/v1/sso/acme/callback")));
        Assert.Null(SsoHosting.CallbackOrg(new PathString("/api/v1/sso/acme/start")));
        Assert.Null(SsoHosting.CallbackOrg(new PathString("/api/v1/sso/Bad%20Org/callback")));
        Assert.Null(SsoHosting.CallbackOrg(new PathString("/api/v1/sso/acme/callback/more")));
        Assert.Equal("/?org=acme&ssoError=domain_not_allowed", SsoRules.ErrorLocation("acme", SsoErrors.DomainNotAllowed));
        Assert.Equal("/?ssoError=provider_error", SsoRules.ErrorLocation("Not An Id", SsoErrors.ProviderError));
    }

    [Theory]
    [InlineData("8.8.8.8", false, false, true)]
    [InlineData("2606:4700::1111", false, false, true)]
    [InlineData("127.0.0.1", false, false, false)]
    [InlineData("127.0.0.1", true, false, true)]
    [InlineData("::1", true, false, true)]
    [InlineData("169.254.169.254", true, true, false)] // cloud metadata: never
    [InlineData("10.1.2.3", false, false, false)]
    [InlineData("10.1.2.3", false, true, true)]
    [InlineData("172.20.0.1", false, false, false)]
    [InlineData("192.168.1.1", false, false, false)]
    [InlineData("100.64.0.1", false, false, false)]
    [InlineData("0.0.0.0", true, true, false)]
    [InlineData("224.0.0.1", true, true, false)]
    [InlineData("fe80::1", true, true, false)]
    [InlineData("fd00::1", false, false, false)]
    [InlineData("::ffff:10.0.0.1", false, false, false)]
    public void The_gateway_reaches_providers_on_public_addresses_only_unless_configured(string address, bool loopback, bool privateNetworks, bool allowed) =>
        Assert.Equal(allowed, SsoBackchannel.IsAllowed(IPAddress.Parse(address), loopback, privateNetworks));
}
