using System.Security.Claims;
using Microsoft.AspNetCore.Routing.Patterns;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>
/// Records every state-changing request that reaches its endpoint in the organization's audit log,
/// once its outcome is known: an endpoint filter on the whole API that maps the route template and
/// method to a stable verb (<see cref="Actions"/>). The write is best-effort: it is awaited (at most
/// <see cref="WriteTimeout"/>) so that a client reading the log after an answer finds its entry, but a
/// failure is logged and never changes the answer. Requests refused before the endpoint (no or a bad
/// credential, a role that may not, a rate limit) are not recorded; sign-in is anonymous and records
/// its failures too.
/// </summary>
public sealed class AuditRecorder(IClusterClient cluster, ILogger<AuditRecorder> logger) : IEndpointFilter
{
    public static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The audited operations: method and route template (as mapped under /api/v1) → action and target type.</summary>
    public static readonly IReadOnlyDictionary<string, (string Action, string TargetType)> Actions = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["POST /orgs"] = ("org.created", "org"),
        ["PUT /orgs/{orgId}/limits"] = ("limits.changed", "org"),
        ["POST /keys"] = ("key.created", "key"),
        ["DELETE /keys/{keyId}"] = ("key.revoked", "key"),
        ["POST /board-links"] = ("board_link.created", "board_link"),
        ["DELETE /board-links/{linkId}"] = ("board_link.revoked", "board_link"),
        ["POST /people"] = ("person.added", "person"),
        ["PUT /people/{email}"] = ("person.changed", "person"),
        ["DELETE /people/{email}"] = ("person.removed", "person"),
        ["PUT /sso"] = ("sso.configured", "sso"),
        ["DELETE /sso"] = ("sso.removed", "sso"),
        ["POST /session"] = ("session.signed_in", "person"),
        ["DELETE /session"] = ("session.signed_out", "person"),
        ["POST /departments"] = ("department.created", "department"),
        ["PUT /departments/{departmentId}"] = ("department.renamed", "department"),
        ["POST /departments/{departmentId}/archive"] = ("department.archived", "department"),
        ["POST /departments/{departmentId}/restore"] = ("department.restored", "department"),
        ["PUT /departments/{departmentId}/check-in-cadence"] = ("cadence.set", "department"),
        ["POST /campaigns"] = ("campaign.created", "campaign"),
        // The whole editable definition (name, departments, launch window): the entry's "fields" say what changed.
        ["PUT /campaigns/{campaignId}"] = ("campaign.changed", "campaign"),
        ["POST /campaigns/{campaignId}/archive"] = ("campaign.archived", "campaign"),
        ["POST /campaigns/{campaignId}/restore"] = ("campaign.restored", "campaign"),
        ["PUT /campaigns/{campaignId}/activities/{activityId}"] = ("activity.set", "activity"),
        ["POST /goals"] = ("goal.created", "goal"),
        // A file of goals, created all or none: the entry's "rows" and "created" say how many.
        ["POST /goals/import"] = ("goals.imported", "goal"),
        ["PUT /goals/{goalId}"] = ("goal.changed", "goal"),
        ["POST /goals/{goalId}/archive"] = ("goal.archived", "goal"),
        ["POST /goals/{goalId}/restore"] = ("goal.restored", "goal"),
        ["POST /goals/{goalId}/rebuild"] = ("goal.rebuilt", "goal"),
        ["POST /goals/{goalId}/check-ins"] = ("goal.checked_in", "goal"),
        ["POST /metrics"] = ("metric.created", "metric"),
        ["PUT /settings"] = ("settings.changed", "settings"),
        ["POST /feed/announcements"] = ("feed.announced", "feed"),
        ["POST /feed/{entryId}/acknowledge"] = ("alert.acknowledged", "feed"),
        ["POST /reviews"] = ("review.created", "review"),
        ["POST /rules"] = ("rule.created", "rule"),
        ["PUT /rules/{ruleId}"] = ("rule.changed", "rule"),
        ["DELETE /rules/{ruleId}"] = ("rule.deleted", "rule"),
        ["POST /sources"] = ("source.created", "source"),
        ["PUT /sources/{sourceId}"] = ("source.changed", "source"),
        ["DELETE /sources/{sourceId}"] = ("source.deleted", "source"),
        ["POST /sources/{sourceId}/secret"] = ("source.secret_rotated", "source"),
        // Never the URL (a Slack or Teams URL is a credential) nor the secret.
        ["POST /subscriptions"] = ("subscription.created", "subscription"),
        ["PUT /subscriptions/{subscriptionId}"] = ("subscription.changed", "subscription"),
        ["DELETE /subscriptions/{subscriptionId}"] = ("subscription.deleted", "subscription"),
        ["POST /subscriptions/{subscriptionId}/rotate-secret"] = ("subscription.secret_rotated", "subscription"),
        ["POST /subscriptions/{subscriptionId}/deliveries/{deliveryId}/retry"] = ("subscription.delivery_retried", "subscription"),
    };

    /// <summary>
    /// State-changing operations deliberately not in the log: events (and a tool's webhook deliveries, which are events) are data, not administration (up to
    /// hundreds of thousands a second; the event log itself keeps them), and setting a password or asking
    /// for a reset concerns an account, which belongs to no one organization (and a reset request is
    /// anonymous: logging it would let anyone write into an organization's log).
    /// </summary>
    public static readonly IReadOnlySet<string> NotAudited = new HashSet<string>(StringComparer.Ordinal)
        { "POST /events", "POST /events/import", "POST /account/password", "POST /account/password-reset", "POST /sources/{sourceId}/webhook" };

    public const string ApiPrefix = "/api/v1";

    private const string DetailItem = "align.audit-detail";

    /// <summary>
    /// Adds what only the endpoint knows (a role before and after a change) to the request's audit
    /// entry: the entry is written by this filter once the answer is known.
    /// </summary>
    public static void Detail(HttpContext http, string name, string value)
    {
        if (http.Items[DetailItem] is not Dictionary<string, string> detail) http.Items[DetailItem] = detail = new(StringComparer.Ordinal);
        detail[name] = value;
    }

    /// <summary>"METHOD /template" of an endpoint, under the API's prefix.</summary>
    public static string? OperationOf(string method, RoutePattern? pattern)
    {
        if (pattern?.RawText is not { } raw) return null;
        var path = "/" + raw.Trim('/');
        if (!path.StartsWith(ApiPrefix, StringComparison.Ordinal)) return null;
        path = path[ApiPrefix.Length..].TrimEnd('/');
        return $"{method.ToUpperInvariant()} {path}";
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method))
            return await next(context);
        var operation = OperationOf(http.Request.Method, (http.GetEndpoint() as RouteEndpoint)?.RoutePattern);
        if (operation is null || !Actions.TryGetValue(operation, out var audited)) return await next(context);

        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception ex)
        {
            await RecordAsync(context, audited, ProblemExceptionHandler.Classify(ex).Status, null);
            throw;
        }
        var status = result is IStatusCodeHttpResult { StatusCode: { } s } ? s : StatusCodes.Status200OK;
        await RecordAsync(context, audited, status, result);
        return result;
    }

    private async Task RecordAsync(EndpointFilterInvocationContext context, (string Action, string TargetType) audited, int status, object? result)
    {
        var http = context.HttpContext;
        try
        {
            if (Describe(context, audited, status, result) is not { } described) return;
            // Anyone may try to sign in to any name: a failure is recorded only for an organization that exists.
            if (described.Entry.Action == "session.sign_in_failed" && await cluster.GetGrain<IOrganizationGrain>(described.OrgId).GetAsync().WaitAsync(WriteTimeout) is null) return;
            await cluster.GetGrain<IAuditGrain>(described.OrgId).AppendAsync(described.Entry).WaitAsync(WriteTimeout);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record {Action} ({Status}) in the audit log; the request's answer is unchanged", audited.Action, status);
        }
    }

    /// <summary>The organization whose log the entry goes to, and the entry (id and time are the grain's); null when there is no organization to tell.</summary>
    internal static (string OrgId, AuditEntry Entry)? Describe(EndpointFilterInvocationContext context, (string Action, string TargetType) audited, int status, object? result)
    {
        var http = context.HttpContext;
        var user = http.User;
        var succeeded = status is >= 200 and < 300;
        var action = audited.Action;
        var detail = new Dictionary<string, string>(StringComparer.Ordinal);
        string? orgId;
        AuditActor actor;
        string? targetId = null;

        var created = CreatedId(result);
        switch (action)
        {
            case "org.created" or "limits.changed":
                if (status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden) return null; // not the platform operator
                orgId = action == "org.created" ? created ?? Argument<CreateOrganizationRequest>(context)?.Id : http.GetRouteValue("orgId") as string;
                actor = new AuditActor(AuditActor.Platform, "platform", "platform operator");
                targetId = orgId;
                break;
            case "session.signed_in":
                var signIn = Argument<SignInRequest>(context);
                orgId = signIn?.Organization;
                if (signIn?.Email is not { } email || !Emails.IsValid(email)) return null;
                email = Emails.Normalize(email);
                actor = new AuditActor(AuditActor.Person, email, email);
                targetId = email;
                if (!succeeded)
                {
                    action = "session.sign_in_failed";
                    detail["reason"] = status == StatusCodes.Status423Locked ? "locked" : status == StatusCodes.Status401Unauthorized ? "wrong email, password or organization" : "refused";
                }
                break;
            default:
                if (user.Identity?.IsAuthenticated != true) return null;
                orgId = user.FindFirstValue(AlignClaims.Org);
                actor = ActorOf(user);
                break;
        }
        if (orgId is null || !Identifiers.IsValid(orgId)) return null;

        targetId ??= action switch
        {
            "session.signed_out" => user.EmailOf(),
            "activity.set" => $"{http.GetRouteValue("campaignId")}/{http.GetRouteValue("activityId")}",
            "settings.changed" => null,
            "sso.configured" or "sso.removed" => orgId,
            _ => created ?? FirstRouteValue(http),
        };
        if (action == "source.created" && Argument<CreateSourceRequest>(context) is { Scheme: { } scheme }) detail["scheme"] = Orleans.Align.Sources.SourcePresets.Name(scheme);
        if (action == "key.created" && Argument<CreateApiKeyRequest>(context) is { } key)
        {
            if (key.Name is { } name) detail["name"] = name;
            if (key.Scopes is { } scopes) detail["scopes"] = string.Join(",", scopes.Take(4));
        }
 if (action == "sso.configured" && Argument<Sso.SsoConfigRequest>(context) is { } sso && succeeded)
        {
            // What was set, never the secret.
            if (sso.Issuer is { } issuer) detail["issuer"] = issuer.Length <= 200 ? issuer : issuer[..200];
            if (sso.AllowedDomains is { } domains) detail["allowedDomains"] = string.Join(",", domains.Take(10).Select(d => d is { Length: <= 253 } ? d : "…"));
            detail["joinAs"] = sso.JoinAs ?? "none";
            detail["clientSecret"] = sso.ClientSecret is null ? "kept" : "set";
        }
        if (action == "person.added" && Argument<AddPersonRequest>(context) is { } person)
        {
            targetId ??= person.Email is { } e && Emails.IsValid(e) ? Emails.Normalize(e) : null;
            if (person.Role is { } role) detail["role"] = role;
        }
        if (action == "person.changed" && Argument<ChangePersonRequest>(context) is { Role: { } requested } && PersonRoles.IsKnown(requested)) detail["role"] = requested;
        if (action is "subscription.created" or "subscription.changed" && Argument<SubscriptionRequest>(context) is { Format: { } format })
            detail["format"] = format.ToString();
        if (action == "subscription.delivery_retried" && http.GetRouteValue("deliveryId") is string deliveryId)
            detail["delivery"] = deliveryId.Length <= 128 ? deliveryId : deliveryId[..128];
        if (http.Items[DetailItem] is Dictionary<string, string> fromEndpoint)
        {
            foreach (var (name, value) in fromEndpoint) detail[name] = value;
        }
        var entry = new AuditEntry(0, default, actor, action, new AuditTarget(audited.TargetType, targetId),
            succeeded ? AuditEntry.Succeeded : AuditEntry.Failed, status, detail.Count == 0 ? null : detail);
        return (orgId, entry);
    }

    internal static AuditActor ActorOf(ClaimsPrincipal user)
    {
        if (user.IsPerson())
        {
            var email = user.EmailOf() ?? "";
            return new AuditActor(AuditActor.Person, email, email);
        }
        var keyId = user.FindFirstValue(AlignClaims.KeyId) ?? "";
        return new AuditActor(AuditActor.Key, keyId, user.FindFirstValue(AlignClaims.KeyName) ?? keyId);
    }

    private static T? Argument<T>(EndpointFilterInvocationContext context) where T : class =>
        context.Arguments.OfType<T>().FirstOrDefault();

    /// <summary>The id a creation answered with: the last segment of its Location.</summary>
    private static string? CreatedId(object? result)
    {
        if (result?.GetType().GetProperty("Location")?.GetValue(result) is not string location || location.Length == 0) return null;
        var last = location.TrimEnd('/');
        return Uri.UnescapeDataString(last[(last.LastIndexOf('/') + 1)..]);
    }

    /// <summary>The route's own id (keyId, ruleId, goalId...): the first route value the template names.</summary>
    private static string? FirstRouteValue(HttpContext http)
    {
        if ((http.GetEndpoint() as RouteEndpoint)?.RoutePattern.Parameters is not { Count: > 0 } parameters) return null;
        return http.GetRouteValue(parameters[0].Name) as string;
    }
}
