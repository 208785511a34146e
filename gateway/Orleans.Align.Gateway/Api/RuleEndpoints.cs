using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>Cross-department trigger rules. Reads need the read scope; creating, changing and deleting one the admin scope.</summary>
public static class RuleEndpoints
{
    public static void MapRules(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/rules").WithTags("Rules").Authenticated();
        rules.MapPost("", CreateRuleAsync).Requires(AlignAction.ManageCatalogue).Reads().Answers<RuleView>(201).Problems(409);
        rules.MapGet("", (HttpContext http, IClusterClient cluster) => Org(http, cluster).ListRulesAsync()).Requires(AlignAction.Read);
        rules.MapGet("/{ruleId}", GetRuleAsync).Requires(AlignAction.Read).Answers<RuleView>().Problems(404);
        rules.MapPut("/{ruleId}", UpdateRuleAsync).Requires(AlignAction.ManageCatalogue).Reads().Answers<RuleView>().Problems(404);
        rules.MapDelete("/{ruleId}", DeleteRuleAsync).Requires(AlignAction.ManageCatalogue).Produces(204).Problems(404);
    }

    private static IOrganizationGrain Org(HttpContext http, IClusterClient cluster) => cluster.GetGrain<IOrganizationGrain>(http.User.OrgId());

    private static async Task<IResult> CreateRuleAsync(CreateRuleRequest request, HttpContext http, IClusterClient cluster)
    {
        var (v, rule) = ValidateRule(request);
        if (rule is null) return v.Problem();
        return TypedResults.Created($"/api/v1/rules/{rule.Id}", await Org(http, cluster).CreateRuleAsync(rule));
    }

    private static async Task<IResult> GetRuleAsync(string ruleId, HttpContext http, IClusterClient cluster)
    {
        var notFound = RuleNotFound(ruleId);
        if (!InputLimits.IsId(ruleId)) return notFound;
        var view = await Org(http, cluster).GetRuleAsync(ruleId);
        return view is null ? notFound : TypedResults.Ok(view);
    }

    /// <summary>A new revision of the rule: it reads the log afresh; the old revision's open alert is resolved.</summary>
    private static async Task<IResult> UpdateRuleAsync(string ruleId, UpdateRuleRequest request, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(ruleId)) return RuleNotFound(ruleId);
        var (v, rule) = ValidateRule(request.For(ruleId));
        if (rule is null) return v.Problem();
        return TypedResults.Ok(await Org(http, cluster).UpdateRuleAsync(rule));
    }

    private static async Task<IResult> DeleteRuleAsync(string ruleId, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(ruleId)) return RuleNotFound(ruleId);
        await Org(http, cluster).DeleteRuleAsync(ruleId);
        return TypedResults.NoContent();
    }

    private static IResult RuleNotFound(string ruleId) => CatalogueEndpoints.NotFound($"Rule {InputLimits.Echo(ruleId)} does not exist.");

    /// <summary>The rule the request describes, or the refusal (linear in the request's size).</summary>
    internal static (Validation Validation, TriggerRule? Rule) ValidateRule(CreateRuleRequest request)
    {
        var v = new Validation();
        var id = v.Id("id", request.Id);
        var name = v.Text("name", request.Name, InputLimits.MaxNameLength);
        if (!InputLimits.IsMetricKey(request.Metric)) v.Add("metric", request.Metric is null ? "is required." : $"must be {MetricKeys.Rule}.");
        var campaigns = CatalogueEndpoints.ScopeIds(v, "scope.campaigns", request.Scope?.Campaign, request.Scope?.Campaigns);
        var departments = CatalogueEndpoints.ScopeIds(v, "scope.departments", request.Scope?.Department, request.Scope?.Departments);
        if (request.Condition is not { } condition) v.Add("condition", "is required: risesBy, fallsBy, above or below.");
        if (request.Threshold is not { } threshold) v.Add("threshold", "is required.");
        else if (!double.IsFinite(threshold) || Math.Abs(threshold) > EventValidation.MaxAbsoluteValue) v.Add("threshold", "must be a finite number (at most 1e12 in size).");
        else if (request.Condition is RuleCondition.RisesBy && threshold <= 0) v.Add("threshold", "is a rise in percent: more than 0.");
        else if (request.Condition is RuleCondition.FallsBy && (threshold <= 0 || threshold > 100)) v.Add("threshold", "is a fall in percent: more than 0 and at most 100.");
        if (request.WindowMinutes is not { } window) v.Add("windowMinutes", "is required.");
        else if (!double.IsFinite(window) || window < 1 || window > InputLimits.MaxRuleWindowMinutes) v.Add("windowMinutes", $"must be from 1 to {InputLimits.MaxRuleWindowMinutes} (a week).");
        var notify = v.Ids("notify", request.Notify);
        if (request.Notify is not { Count: > 0 }) v.Add("notify", "must name at least one department to tell.");
        var message = v.Text("message", request.Message, InputLimits.MaxNoteLength, required: false);
        if (!v.IsValid) return (v, null);
        return (v, new TriggerRule(id!, name!, request.Metric!, new GoalScope(campaigns, departments), request.Condition!.Value,
            request.Threshold!.Value, request.WindowMinutes!.Value, notify, message));
    }
}
