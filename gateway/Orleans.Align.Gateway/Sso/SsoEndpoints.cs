using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Api;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Sso;

/// <summary>
/// Single sign-on: an organization's admins configure its OpenID provider (<c>/sso</c>); its people start
/// the sign-in at <c>/sso/{org}/start</c>, which sends the browser to the provider, and come back to
/// <c>/sso/{org}/callback</c> (handled by the organization's OpenID Connect scheme, see <see cref="SsoHosting"/>).
/// </summary>
public static class SsoEndpoints
{
    public static void MapSso(this RouteGroupBuilder api)
    {
        // Configuring SSO decides who gets in: admins only, their credential checked in the cluster, not the cache.
        var sso = api.MapGroup("/sso").WithTags("Single sign-on");
        var admin = sso.MapGroup("").Requires(AlignAction.ManageSettings).Authenticated().AddEndpointFilter(CredentialChecks.RequireValidNow);
        admin.MapPut("", ConfigureAsync).Reads().Answers<SsoConfigResponse>().Problems(422)
            .WithSummary("Configure the organization's single sign-on (OpenID Connect)")
            .WithDescription("Checks the issuer's discovery document first (within Align:Sso:ProviderTimeout); a provider that does not answer as one is refused with 422 and nothing changes. " +
                "clientSecret may be left out to keep the one set. The secret is stored sealed and never answered.");
        admin.MapGet("", GetAsync).Answers<SsoConfigResponse>().Problems(404);
        admin.MapDelete("", RemoveAsync).Produces(204).Problems(404);

        sso.MapGet("/{org}", StatusAsync).AllowAnonymous().Authenticated().Answers<SsoStatusResponse>().Problems(400)
            .WithSummary("Whether an organization signs in through single sign-on (anonymous)");
        // Browser navigations, not API calls: they answer redirects, so they are not in the OpenAPI document.
        sso.MapGet("/{org}/start", StartAsync).AllowAnonymous().ExcludeFromDescription();
        // Reached only when no scheme took the callback (the organization has no SSO now): back to the sign-in page.
        sso.MapGet("/{org}/callback", (string org) => Results.Redirect(SsoRules.ErrorLocation(org, SsoErrors.NotConfigured))).AllowAnonymous().ExcludeFromDescription();
    }

    private static ISingleSignOnGrain Grain(HttpContext http, IClusterClient cluster) => cluster.GetGrain<ISingleSignOnGrain>(http.User.OrgId());

    private static async Task<IResult> ConfigureAsync(SsoConfigRequest request, HttpContext http, IClusterClient cluster, IDataProtectionProvider dataProtection,
        IOptions<SsoOptions> options, SsoBackchannel backchannel, SsoSchemes schemes)
    {
        var allowLoopback = options.Value.AllowLoopbackIssuers;
        var v = new Validation();
        if (SsoRules.IssuerProblem(request.Issuer, allowLoopback) is { } issuerProblem) v.Add("issuer", issuerProblem);
        var clientId = v.Text("clientId", request.ClientId, SsoRules.MaxClientIdLength);
        if (request.ClientSecret is { } secret && (secret.Length is 0 or > SsoRules.MaxClientSecretLength || secret.Any(char.IsControl)))
            v.Add("clientSecret", $"must be 1 to {SsoRules.MaxClientSecretLength} characters without control characters (or left out to keep the one set).");
        var domains = new List<string>();
        if (request.AllowedDomains is not { Count: > 0 }) v.Add("allowedDomains", "is required: at least one email domain whose people may sign in this way.");
        else if (v.Count("allowedDomains", request.AllowedDomains, SsoRules.MaxDomains))
        {
            for (var i = 0; i < request.AllowedDomains.Count; i++)
            {
                if (SsoRules.NormalizeDomain(request.AllowedDomains[i]) is not { } domain) v.Add($"allowedDomains[{i}]", "must be a domain name such as example.com (letters, digits, '-' and dots).");
                else if (!domains.Contains(domain)) domains.Add(domain);
            }
        }
        if (request.JoinAs is not (null or PersonRoles.Viewer))
            v.Add("joinAs", $"must be null (only people already added to the organization may sign in) or '{PersonRoles.Viewer}' (anyone of an allowed domain joins as a viewer).");
        if (!v.IsValid) return v.Problem();

        var grain = Grain(http, cluster);
        var current = await grain.GetAsync();
        var protectedSecret = request.ClientSecret is { } s ? dataProtection.CreateProtector(SsoOidcOptionsSetup.SecretPurpose).Protect(s) : current?.ProtectedClientSecret;
        if (protectedSecret is null) return new Validation().Add("clientSecret", "is required: no client secret is set yet.").Problem();

        var issuer = request.Issuer!.Trim();
        if (await SsoDiscovery.ProblemAsync(backchannel.Client, issuer, allowLoopback, http.RequestAborted) is { } providerProblem)
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The issuer does not answer as a usable OpenID provider",
                detail: providerProblem + " Nothing was changed.");

        var stored = await grain.SetAsync(new SsoSettings(issuer, clientId!, protectedSecret, domains, request.JoinAs, 0, default));
        await schemes.RefreshAsync(http.User.OrgId()); // this gateway at once; the others at their next SSO sign-in
        return TypedResults.Ok(Describe(stored, http));
    }

    private static async Task<IResult> GetAsync(HttpContext http, IClusterClient cluster) =>
        await Grain(http, cluster).GetAsync() is { } settings ? TypedResults.Ok(Describe(settings, http)) : NotConfigured();

    private static async Task<IResult> RemoveAsync(HttpContext http, IClusterClient cluster, SsoSchemes schemes)
    {
        if (!await Grain(http, cluster).ClearAsync()) return NotConfigured();
        await schemes.RefreshAsync(http.User.OrgId());
        return TypedResults.NoContent();
    }

    private static IResult NotConfigured() =>
        CatalogueEndpoints.NotFound("This organization has no single sign-on: configure it with PUT /api/v1/sso.");

    private static async Task<IResult> StatusAsync(string org, HttpContext http, IClusterClient cluster)
    {
        if (!Identifiers.IsValid(org)) return new Validation().Add("org", $"must be {Identifiers.Rule}.").Problem();
        // The same answer for an organization without SSO and one that does not exist: nothing to enumerate.
        var enabled = await cluster.GetGrain<ISingleSignOnGrain>(org).GetAsync() is not null;
        return TypedResults.Ok(new SsoStatusResponse(org, enabled, enabled ? StartPath(org) : null));
    }

    /// <summary>
    /// Sends the browser to the organization's provider (code flow with PKCE; through a pushed authorization
    /// request when the provider offers one). 400 for a return path that is not this site's, 404 when the
    /// organization has no single sign-on. A provider that cannot be read, or refuses the pushed request (a
    /// wrong client secret), sends the browser back to the sign-in page with <c>ssoError=provider_error</c>.
    /// </summary>
    private static async Task<IResult> StartAsync(string org, string? returnUrl, HttpContext http, SsoSchemes schemes,
        IOptionsMonitor<OpenIdConnectOptions> oidc, ILoggerFactory loggers)
    {
        returnUrl ??= "/";
        if (!SsoRules.IsLocalReturnUrl(returnUrl)) return new Validation().Add("returnUrl", "must be a path of this site, such as /index.html (starting with one '/').").Problem();
        if (!Identifiers.IsValid(org) || await schemes.RefreshAsync(org) is null)
            return CatalogueEndpoints.NotFound($"The organization {InputLimits.Echo(org)} has no single sign-on.");
        var scheme = SsoRules.SchemeName(org);
        var properties = new AuthenticationProperties { RedirectUri = returnUrl };
        properties.Items[SsoSignIn.OrgItem] = org;
        try
        {
            // The metadata first, so that a provider that is down fails here, where it is caught.
            await oidc.Get(scheme).ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
            await http.ChallengeAsync(scheme, properties);
            return Results.Empty;
        }
        catch (Exception ex) when (!http.Response.HasStarted && !(ex is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            loggers.CreateLogger(typeof(SsoEndpoints)).LogWarning(ex, "The OpenID provider of {Org} could not be used", org);
            http.Response.Headers.Remove("Set-Cookie"); // no correlation cookie for a sign-in that did not start
            return Results.Redirect(SsoRules.ErrorLocation(org, SsoErrors.ProviderError));
        }
    }

    public static string StartPath(string org) => $"/api/v1/sso/{org}/start";

    private static SsoConfigResponse Describe(SsoSettings s, HttpContext http)
    {
        var org = http.User.OrgId();
        var site = $"{http.Request.Scheme}://{http.Request.Host}";
        return new SsoConfigResponse(s.Issuer, s.ClientId, !string.IsNullOrEmpty(s.ProtectedClientSecret), s.AllowedDomains, s.JoinAs,
            site + SsoRules.CallbackPath(org), site + StartPath(org), s.UpdatedAt);
    }
}
