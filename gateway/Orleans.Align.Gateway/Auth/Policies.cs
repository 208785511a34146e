using Microsoft.AspNetCore.Authorization;

namespace Orleans.Align.Gateway.Auth;

/// <summary>
/// One authorization policy per <see cref="AlignAction"/>, each asking <see cref="Access"/>: an
/// endpoint names the action it performs, never a scope or a role. For actions done as or for
/// departments the policy lets through a caller who could do it for some department; the endpoint
/// then asks again with the departments the request names (<see cref="Departments"/>).
/// </summary>
public static class Policies
{
    public static string For(AlignAction action) => "align:" + action;

    /// <summary><see cref="For"/>(<see cref="AlignAction.Read"/>) as a constant, for attributes (the hub).</summary>
    public const string Read = "align:" + nameof(AlignAction.Read);

    /// <summary><see cref="For"/>(<see cref="AlignAction.WatchBoard"/>) as a constant, for attributes (the hub).</summary>
    public const string WatchBoard = "align:" + nameof(AlignAction.WatchBoard);

    public static void Add(AuthorizationOptions options)
    {
        // Endpoints that name no action (GET /api/v1/me, DELETE /api/v1/session) are for keys and people:
        // a board link reads its board and nothing else.
        options.DefaultPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
            .RequireAssertion(c => c.User.BoardOf() is null).Build();
        foreach (var action in Enum.GetValues<AlignAction>())
        {
            options.AddPolicy(For(action), p => p.RequireAuthenticatedUser().RequireAssertion(c => Access.MayAllow(c.User.GrantOf(), action)));
        }
    }

    /// <summary>Requires the endpoint's action (see <see cref="Policies"/>).</summary>
    public static TBuilder Requires<TBuilder>(this TBuilder builder, AlignAction action) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(For(action));

    /// <summary>
    /// Null when the caller may do <paramref name="action"/> for <paramref name="departments"/>; otherwise
    /// the 403 to answer (nothing has been changed).
    /// </summary>
    public static IResult? Departments(HttpContext http, AlignAction action, IReadOnlyCollection<string> departments)
    {
        if (http.User.Allows(action, departments)) return null;
        var names = departments.Count == 0 ? "no department" : string.Join(", ", departments.Take(5));
        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed",
            detail: $"Your role does not allow this for {names}: {Describe(action)}");
    }

    private static string Describe(AlignAction action) => action switch
    {
        AlignAction.CheckIn or AlignAction.Announce or AlignAction.AcknowledgeAlert => "members check in, announce and acknowledge only as a department they belong to.",
        AlignAction.DefineGoal => "leads define and change goals that a department they lead owns (before and after a change); a joint goal may add other departments.",
        AlignAction.EditActivity or AlignAction.SetCheckInCadence => "leads set activities and cadences only for departments they lead.",
        AlignAction.PlanCampaign => "leads plan, change, archive and restore only campaigns with a department they lead (for a change: before and after it).",
        _ => "see GET /api/v1/me for your role.",
    };
}
