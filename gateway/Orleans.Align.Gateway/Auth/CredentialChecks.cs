namespace Orleans.Align.Gateway.Auth;

public static class CredentialChecks
{
    /// <summary>
    /// For operations that grant power (keys, people): the caller's credential is checked in the
    /// cluster now, not in the cache, so a key revoked or a person removed a moment ago cannot use them
    /// even on a gateway that has not read the revocation yet.
    /// </summary>
    public static async ValueTask<object?> RequireValidNow(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var valid = http.User.IsPerson()
            ? await http.RequestServices.GetRequiredService<SessionResolver>().ResolveNowAsync(http.User) is not null
            : await http.RequestServices.GetRequiredService<ApiKeyResolver>().ResolveNowAsync(http.User.KeyHashOf()) is not null;
        if (!valid)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return NotValid();
        }
        return await next(context);
    }

    public static IResult NotValid() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required",
            detail: "The API key or session is not valid (it may have just been revoked or signed out).");
}
