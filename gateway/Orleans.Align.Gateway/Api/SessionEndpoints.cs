using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Gateway.Mail;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>People sign in and out, and anyone asks who they are.</summary>
public static class SessionEndpoints
{
    private const string WrongCredentials = "The email, password or organization is not right.";

    public static void MapSessions(this RouteGroupBuilder api)
    {
        var session = api.MapGroup("/session").WithTags("Sessions");
        session.MapPost("", SignInAsync).AllowAnonymous().Authenticated().Reads(InputLimits.MaxSessionBodyBytes)
            .Answers<SessionResponse>().Problems(423);
        session.MapDelete("", SignOutAsync).RequireAuthorization().Authenticated().Produces(204).Problems(400);

        api.MapGet("/me", MeAsync).RequireAuthorization().WithTags("Sessions").Authenticated().Answers<MeResponse>();
        api.MapPost("/account/password", SetPasswordAsync).AllowAnonymous().WithTags("Sessions").Authenticated()
            .Reads(InputLimits.MaxSessionBodyBytes).Produces(204);
        api.MapPost("/account/password-reset", RequestPasswordReset).AllowAnonymous().WithTags("Sessions").Authenticated()
            .Reads(InputLimits.MaxSessionBodyBytes).Produces(202)
            .WithSummary("Mail a password-reset link")
            .WithDescription("Always 202 for a well-formed request, whether or not the account exists (no account enumeration). When it exists " +
                "(and belongs to `organization`, if named), and none was mailed in the last minute, a one-time link valid for an hour " +
                "(Align:Gateway:Sessions:PasswordResetTokenLifetime) is mailed; its token completes through POST /api/v1/account/password.");
    }

    /// <summary>Queues the reset (<see cref="PasswordResets"/>) and answers at once, the same for every address.</summary>
    private static IResult RequestPasswordReset(PasswordResetRequest request, PasswordResets resets)
    {
        var v = new Validation();
        if (!Emails.IsValid(request.Email)) v.Add("email", request.Email is null ? "is required." : "must be an email address (at most 254 characters, no spaces or '/').");
        var org = request.Organization is null ? null : v.Id("organization", request.Organization);
        if (!v.IsValid) return v.Problem();
        resets.Request(Emails.Normalize(request.Email!), org);
        return TypedResults.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Checks the password (the account counts failures and locks itself), then opens a session on the
    /// person's membership of the organization. An unknown email, a wrong password and an organization the
    /// person does not belong to get the same 401, so nobody learns which accounts exist where.
    /// </summary>
    private static async Task<IResult> SignInAsync(SignInRequest request, HttpContext http, IClusterClient cluster, IAntiforgery antiforgery, TimeProvider clock)
    {
        var v = new Validation();
        if (!Emails.IsValid(request.Email)) v.Add("email", request.Email is null ? "is required." : "must be an email address (at most 254 characters).");
        if (string.IsNullOrEmpty(request.Password)) v.Add("password", "is required.");
        else if (request.Password.Length > InputLimits.MaxPasswordLength) v.Add("password", $"must be at most {InputLimits.MaxPasswordLength} characters.");
        var org = v.Id("organization", request.Organization);
        if (!v.IsValid) return v.Problem();

        var email = Emails.Normalize(request.Email!);
        var check = await cluster.GetGrain<IAccountGrain>(email).CheckPasswordAsync(request.Password!);
        if (check.Outcome == SignInOutcome.LockedOut)
        {
            var wait = Math.Max(1, (int)Math.Ceiling(((check.LockedUntil ?? clock.GetUtcNow()) - clock.GetUtcNow()).TotalSeconds));
            http.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status423Locked, title: "Account locked",
                detail: $"Too many failed sign-ins: this account is locked for {wait} s. Try again after that, or set a new password.",
                extensions: new Dictionary<string, object?> { ["lockedUntil"] = check.LockedUntil });
        }
        if (check.Outcome != SignInOutcome.Succeeded) return Unauthorized();

        var sessionId = SessionAuthentication.NewSessionId();
        var membership = await cluster.GetGrain<IMembershipGrain>(GrainKeys.For(org!, email)).StartSessionAsync(sessionId);
        if (membership is null) return Unauthorized();

        var principal = SessionAuthentication.PrincipalFor(membership, sessionId);
        await http.SignInAsync(SessionAuthentication.CookieScheme, principal, new AuthenticationProperties { IsPersistent = true });
        http.User = principal; // the antiforgery token is bound to the session
        var csrf = antiforgery.GetAndStoreTokens(http).RequestToken!;
        return TypedResults.Ok(new SessionResponse(membership.OrgId, membership.Email, membership.DisplayName, membership.Role, membership.Departments, csrf));
    }

    private static IResult Unauthorized() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: WrongCredentials);

    /// <summary>Ends the session everywhere (its live connections close within a second) and removes the cookie.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, IClusterClient cluster)
    {
        if (!http.User.IsPerson())
            return new Validation().Add("session", "an API key has no session to end; revoke the key instead (DELETE /api/v1/keys/{id}).").Problem();
        var sessionId = http.User.FindFirst(AlignClaims.SessionId)!.Value;
        await cluster.GetGrain<IMembershipGrain>(GrainKeys.For(http.User.OrgId(), http.User.EmailOf()!)).EndSessionAsync(sessionId);
        await http.SignOutAsync(SessionAuthentication.CookieScheme);
        return TypedResults.NoContent();
    }

    private static IResult MeAsync(HttpContext http, IAntiforgery antiforgery)
    {
        var user = http.User;
        if (user.IsPerson())
        {
            return TypedResults.Ok(new MeResponse("person", user.OrgId(), user.EmailOf(), user.FindFirst(AlignClaims.Name)?.Value,
                user.FindFirst(AlignClaims.Role)?.Value, [.. user.FindAll(AlignClaims.Department).Select(c => c.Value)], null, [],
                antiforgery.GetAndStoreTokens(http).RequestToken));
        }
        return TypedResults.Ok(new MeResponse("apiKey", user.OrgId(), null, null, null, [], user.FindFirst(AlignClaims.KeyId)?.Value,
            [.. user.FindAll(AlignClaims.Scope).Select(c => c.Value)], null));
    }

    private static async Task<IResult> SetPasswordAsync(SetPasswordRequest request, IClusterClient cluster)
    {
        var v = new Validation();
        if (!Emails.IsValid(request.Email)) v.Add("email", request.Email is null ? "is required." : "must be an email address (at most 254 characters).");
        if (string.IsNullOrEmpty(request.Token) || request.Token.Length > InputLimits.MaxTokenLength) v.Add("token", "is required: the token of your invitation or password-reset link (or the one the admin who added you was shown).");
        if (request.Password is not { Length: >= InputLimits.MinPasswordLength and <= InputLimits.MaxPasswordLength })
            v.Add("password", $"must be {InputLimits.MinPasswordLength} to {InputLimits.MaxPasswordLength} characters.");
        if (!v.IsValid) return v.Problem();
        var set = await cluster.GetGrain<IAccountGrain>(Emails.Normalize(request.Email!)).SetPasswordAsync(TokenHash(request.Token!), request.Password!);
        return set ? TypedResults.NoContent() : new Validation().Add("token", "is not valid for this email, or has been used or has expired. Nothing was changed.").Problem();
    }

    /// <summary>A one-time token: 256 random bits; only its SHA-256 is stored.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string TokenHash(string token) => ApiKeys.Hash(token);
}
