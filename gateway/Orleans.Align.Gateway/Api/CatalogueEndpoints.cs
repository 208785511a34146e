using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>Departments, campaigns and goals. Reads need the read scope, changes the admin scope.</summary>
public static class CatalogueEndpoints
{
    public static void MapCatalogue(this RouteGroupBuilder api)
    {
        var departments = api.MapGroup("/departments");
        departments.MapPost("", CreateDepartmentAsync).RequireAuthorization(Policies.Admin);
        departments.MapGet("", (HttpContext http, IClusterClient cluster) => Org(http, cluster).ListDepartmentsAsync()).RequireAuthorization(Policies.Read);

        var campaigns = api.MapGroup("/campaigns");
        campaigns.MapPost("", CreateCampaignAsync).RequireAuthorization(Policies.Admin);
        campaigns.MapGet("", (HttpContext http, IClusterClient cluster) => Org(http, cluster).ListCampaignsAsync()).RequireAuthorization(Policies.Read);

        var goals = api.MapGroup("/goals");
        goals.MapPost("", CreateGoalAsync).RequireAuthorization(Policies.Admin);
        goals.MapGet("", (HttpContext http, IClusterClient cluster) => Org(http, cluster).ListGoalsAsync()).RequireAuthorization(Policies.Read);
        goals.MapGet("/{goalId}", GetGoalAsync).RequireAuthorization(Policies.Read);
        goals.MapPost("/{goalId}/rebuild", RebuildGoalAsync).RequireAuthorization(Policies.Admin);

        api.MapGet("/boards/{boardId}", GetBoardAsync).RequireAuthorization(Policies.Read);
    }

    private static IOrganizationGrain Org(HttpContext http, IClusterClient cluster) => cluster.GetGrain<IOrganizationGrain>(http.User.OrgId());

    private static async Task<IResult> CreateDepartmentAsync(CreateDepartmentRequest request, HttpContext http, IClusterClient cluster)
    {
        var v = new Validation();
        var id = v.Id("id", request.Id);
        var name = v.Text("name", request.Name, 200);
        if (!v.IsValid) return v.Problem();
        var department = await Org(http, cluster).AddDepartmentAsync(new Department(id!, name!));
        return TypedResults.Created($"/api/v1/departments/{department.Id}", department);
    }

    private static async Task<IResult> CreateCampaignAsync(CreateCampaignRequest request, HttpContext http, IClusterClient cluster)
    {
        var v = new Validation();
        var id = v.Id("id", request.Id);
        var name = v.Text("name", request.Name, 200);
        var departments = request.Departments ?? [];
        for (var i = 0; i < departments.Count; i++) v.Id($"departments[{i}]", departments[i]);
        if (!v.IsValid) return v.Problem();
        var campaign = await Org(http, cluster).AddCampaignAsync(new Campaign(id!, name!, [.. departments.Distinct()!]));
        return TypedResults.Created($"/api/v1/campaigns/{campaign.Id}", campaign);
    }

    private static async Task<IResult> CreateGoalAsync(CreateGoalRequest request, HttpContext http, IClusterClient cluster)
    {
        var v = new Validation();
        var id = v.Id("id", request.Id);
        var title = v.Text("title", request.Title, 200);
        if (!MetricKeys.IsValid(request.Metric)) v.Add("metric", request.Metric is null ? "is required." : $"must be {MetricKeys.Rule}.");
        if (request.Target is not { } target) v.Add("target", "is required.");
        else if (!double.IsFinite(target) || target <= 0 || target > EventValidation.MaxAbsoluteValue) v.Add("target", "must be a positive finite number (at most 1e12).");
        var owners = request.Owners ?? [];
        if (owners.Count == 0) v.Add("owners", "must name at least one owning department.");
        for (var i = 0; i < owners.Count; i++) v.Id($"owners[{i}]", owners[i]);
        var campaign = v.OptionalId("scope.campaign", request.Scope?.Campaign);
        var department = v.OptionalId("scope.department", request.Scope?.Department);
        if (request.Start is not { } start) v.Add("start", "is required.");
        if (request.End is not { } end) v.Add("end", "is required.");
        else if (request.Start is { } s && end <= s) v.Add("end", "must be after start.");
        if (!v.IsValid) return v.Problem();

        var definition = new GoalDefinition(id!, title!, request.Metric!, request.Target!.Value, [.. owners.Distinct()!],
            new GoalScope(campaign, department), request.Start!.Value.ToUniversalTime(), request.End!.Value.ToUniversalTime());
        var view = await Org(http, cluster).CreateGoalAsync(definition);
        return TypedResults.Created($"/api/v1/goals/{view.Id}", view);
    }

    private static async Task<IResult> GetGoalAsync(string goalId, HttpContext http, IClusterClient cluster)
    {
        if (!Identifiers.IsValid(goalId)) return NotFound($"Goal '{goalId}' does not exist.");
        var view = await cluster.GetGrain<IGoalGrain>(GrainKeys.For(http.User.OrgId(), goalId)).GetAsync();
        return view is null ? NotFound($"Goal '{goalId}' does not exist.") : TypedResults.Ok(view);
    }

    /// <summary>Recomputes a goal from the organization's log alone; the answer is the rebuilt view.</summary>
    private static async Task<IResult> RebuildGoalAsync(string goalId, HttpContext http, IClusterClient cluster)
    {
        if (!Identifiers.IsValid(goalId)) return NotFound($"Goal '{goalId}' does not exist.");
        return TypedResults.Ok(await cluster.GetGrain<IGoalGrain>(GrainKeys.For(http.User.OrgId(), goalId)).RebuildAsync());
    }

    private static async Task<IResult> GetBoardAsync(string boardId, HttpContext http, IClusterClient cluster)
    {
        if (!BoardIds.TryParse(boardId, out _)) return NotFound($"Board '{boardId}' does not exist; boards are 'overview' or 'campaign:{{id}}'.");
        return TypedResults.Ok(await cluster.GetGrain<IBoardGrain>(GrainKeys.For(http.User.OrgId(), boardId)).GetSnapshotAsync());
    }

    internal static IResult NotFound(string detail) => TypedResults.Problem(statusCode: 404, title: "Not found", detail: detail);
}
