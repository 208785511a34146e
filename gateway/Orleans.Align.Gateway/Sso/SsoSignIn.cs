using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Orleans.Align.Gateway.Api;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Sso;

/// <summary>
/// What happens when an organization's provider answers. The OpenID Connect handler has checked the
/// protocol (state and correlation, PKCE, the ID token's signature, issuer, audience and nonce); here the
/// person is checked against the organization: a verified email of an allowed domain, and a membership
/// (or <c>joinAs</c>). Then a session opens exactly as a password sign-in opens one (same cookie, same
/// claims), and the handler's own sign-in is skipped: its principal never becomes a session. Every outcome
/// after the provider answered is in the organization's audit log; the browser lands on its return path,
/// or on the sign-in page with <c>ssoError</c>.
/// </summary>
public static class SsoSignIn
{
    public const string OrgItem = "align.org";

    public static readonly OpenIdConnectEvents Events = new()
    {
        OnTicketReceived = TicketReceivedAsync,
        OnAccessDenied = AccessDeniedAsync,
        OnRemoteFailure = RemoteFailureAsync,
    };

    private static async Task TicketReceivedAsync(TicketReceivedContext context)
    {
        var http = context.HttpContext;
        var org = SsoRules.OrgOfScheme(context.Scheme.Name)!;
        var returnUrl = SsoRules.IsLocalReturnUrl(context.ReturnUri) ? context.ReturnUri! : "/";
        context.HandleResponse(); // whatever follows, the handler signs nobody in itself
        var services = http.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SsoSignIn));
        var principal = context.Principal ?? new ClaimsPrincipal();
        var email = principal.FindFirstValue("email")?.Trim();
        try
        {
            var outcome = await SignInAsync(http, org, principal, email);
            http.Response.Redirect(outcome is null ? returnUrl : SsoRules.ErrorLocation(org, outcome));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "SSO sign-in to {Org} failed after the provider answered", org);
            await AuditAsync(http, org, email, "sso.sign_in_failed", StatusCodes.Status503ServiceUnavailable, SsoErrors.ProviderError);
            http.Response.Redirect(SsoRules.ErrorLocation(org, SsoErrors.ProviderError));
        }
    }

    /// <summary>Null when the session is open; otherwise the refusal's code (already audited).</summary>
    private static async Task<string?> SignInAsync(HttpContext http, string org, ClaimsPrincipal principal, string? email)
    {
        var services = http.RequestServices;
        var cluster = services.GetRequiredService<IClusterClient>();
        var settings = services.GetRequiredService<SsoSchemes>().Current(org);
        if (settings is null) return SsoErrors.NotConfigured;

        async Task<string> RefuseAsync(string reason)
        {
            await AuditAsync(http, org, email, "sso.sign_in_refused", StatusCodes.Status403Forbidden, reason);
            return reason;
        }

        if (!Emails.IsValid(email)) return await RefuseAsync(SsoErrors.NoEmail);
        // A provider that says the address is not verified is not vouching for it; one that says nothing is trusted (as Microsoft Entra ID's tokens).
        var verified = principal.FindAll("email_verified").Select(c => c.Value).ToList();
        if (verified.Count > 0 && !verified.All(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase))) return await RefuseAsync(SsoErrors.EmailNotVerified);
        email = Emails.Normalize(email!);
        if (!SsoRules.DomainAllowed(email, settings.AllowedDomains)) return await RefuseAsync(SsoErrors.DomainNotAllowed);

        var membershipGrain = cluster.GetGrain<IMembershipGrain>(GrainKeys.For(org, email));
        var joined = false;
        if (await membershipGrain.GetAsync() is null)
        {
            if (settings.JoinAs is not { } role) return await RefuseAsync(SsoErrors.NotAMember);
            var name = DisplayName(principal, email);
            try
            {
                // The account (when new) gets a set-password token nobody is shown, expired at once: SSO is its way in.
                await cluster.GetGrain<IOrganizationGrain>(org).AddPersonAsync(email, name, role, [],
                    SessionEndpoints.TokenHash(SessionEndpoints.NewToken()), services.GetRequiredService<TimeProvider>().GetUtcNow());
                joined = true;
            }
            catch (AlignException ex) when (ex.Kind == AlignErrorKind.Conflict)
            {
                // Joined a moment ago by another sign-in: carry on with that membership.
            }
        }

        var sessionId = SessionAuthentication.NewSessionId();
        var membership = await membershipGrain.StartSessionAsync(sessionId);
        if (membership is null) return await RefuseAsync(SsoErrors.NotAMember);
        await http.SignInAsync(SessionAuthentication.CookieScheme, SessionAuthentication.PrincipalFor(membership, sessionId), new AuthenticationProperties { IsPersistent = true });
        await AuditAsync(http, org, email, "sso.signed_in", StatusCodes.Status200OK, null,
            joined ? new Dictionary<string, string> { ["joinedAs"] = membership.Role } : null);
        return null;
    }

    private static string DisplayName(ClaimsPrincipal principal, string email)
    {
        var name = principal.FindFirstValue("name")?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > InputLimits.MaxNameLength || name.Any(char.IsControl)) name = email[..email.IndexOf('@')];
        return name;
    }

    private static Task AccessDeniedAsync(AccessDeniedContext context)
    {
        context.HandleResponse();
        return FailAsync(context.HttpContext, context.Scheme.Name, context.Properties, SsoErrors.AccessDenied);
    }

    private static Task RemoteFailureAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SsoSignIn));
        logger.LogWarning(context.Failure, "SSO callback of {Scheme} failed", context.Scheme.Name);
        var error = context.Failure?.Message.Contains("access_denied", StringComparison.Ordinal) == true ? SsoErrors.AccessDenied : SsoErrors.ProviderError;
        return FailAsync(context.HttpContext, context.Scheme.Name, context.Properties, error);
    }

    /// <summary>
    /// The provider refused or the protocol failed. Audited only when the answer carried a state this
    /// gateway issued for the organization (<see cref="OrgItem"/>): anyone can call a callback URL.
    /// </summary>
    private static async Task FailAsync(HttpContext http, string scheme, AuthenticationProperties? properties, string error)
    {
        var org = SsoRules.OrgOfScheme(scheme);
        if (org is not null && properties?.Items.TryGetValue(OrgItem, out var issuedFor) == true && issuedFor == org)
            await AuditAsync(http, org, null, "sso.sign_in_failed", error == SsoErrors.AccessDenied ? StatusCodes.Status403Forbidden : StatusCodes.Status502BadGateway, error);
        http.Response.Redirect(SsoRules.ErrorLocation(org, error));
    }

    /// <summary>Best-effort, as <see cref="AuditRecorder"/>: a failed write is logged and never changes the outcome.</summary>
    private static async Task AuditAsync(HttpContext http, string org, string? email, string action, int status, string? reason, Dictionary<string, string>? detail = null)
    {
        var services = http.RequestServices;
        try
        {
            detail ??= [];
            if (reason is not null) detail["reason"] = reason;
            detail["via"] = "sso";
            var who = email is not null && Emails.IsValid(email) ? Emails.Normalize(email) : null;
            var entry = new AuditEntry(0, default, new AuditActor(AuditActor.Person, who ?? "unknown", who ?? "unknown (single sign-on)"), action,
                new AuditTarget("person", who), status is >= 200 and < 300 ? AuditEntry.Succeeded : AuditEntry.Failed, status, detail);
            await services.GetRequiredService<IClusterClient>().GetGrain<IAuditGrain>(org).AppendAsync(entry).WaitAsync(AuditRecorder.WriteTimeout);
        }
        catch (Exception ex)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SsoSignIn)).LogWarning(ex, "Could not record {Action} of {Org} in the audit log", action, org);
        }
    }
}
