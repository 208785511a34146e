using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Orleans.Align.Gateway.Auth;

public static class CredentialChecks
{
    /// <summary>
    /// For operations that grant power (keys, people, board links): the caller's credential is checked
    /// in the cluster now, not in the cache, so a key revoked or a person removed a moment ago cannot use
    /// them even on a gateway that has not read the revocation yet. A person's role is taken as it is
    /// now too: an admin demoted a moment ago is refused (403), and the endpoint decides on the
    /// departments the membership has now.
    /// </summary>
    public static async ValueTask<object?> RequireValidNow(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        bool valid;
        if (http.User.IsPerson())
        {
            var session = await http.RequestServices.GetRequiredService<SessionResolver>().ResolveNowAsync(http.User);
            valid = session is not null;
            if (session is not null && http.User.FindFirstValue(AlignClaims.SessionId) is { } sessionId)
            {
                http.User = SessionAuthentication.PrincipalFor(session.Membership, sessionId, session.ExpiresAt);
                if (RequiredActions(http).Any(action => !Access.MayAllow(http.User.GrantOf(), action)))
                    return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: AlignClaims.ForbiddenDetail);
            }
        }
        else valid = await http.RequestServices.GetRequiredService<ApiKeyResolver>().ResolveNowAsync(http.User.KeyHashOf()) is not null;
        if (!valid)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return NotValid();
        }
        return await next(context);
    }

    /// <summary>The actions the endpoint's policies name (<see cref="Policies.Requires"/>).</summary>
    private static IEnumerable<AlignAction> RequiredActions(HttpContext http) =>
        (http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>() ?? [])
            .Select(a => a.Policy is { } p && p.StartsWith("align:", StringComparison.Ordinal) && Enum.TryParse<AlignAction>(p["align:".Length..], out var action) ? action : (AlignAction?)null)
            .OfType<AlignAction>();

    public static IResult NotValid() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required",
            detail: "The API key or session is not valid (it may have just been revoked or signed out).");
}
