using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>Departments, campaigns and goals. Reads need the read scope, changes the admin scope.</summary>
public static class CatalogueEndpoints
{
    public static void MapCatalogue(this RouteGroupBuilder api)
    {
        var departments = api.MapGroup("/departments").WithTags("Departments");
        departments.MapPost("", CreateDepartmentAsync).RequireAuthorization(Policies.Admin);
        departments.MapGet("", (HttpContext http, IClusterClient cluster) => Org(http, cluster).ListDepartmentsAsync()).RequireAuthorization(Policies.Read);

        var campaigns = api.MapGroup("/campaigns").WithTags("Campaigns");
        campaigns.MapPost("", CreateCampaignAsync).RequireAuthorization(Policies.Admin);
        campaigns.MapGet("", (HttpContext http, IClusterClient cluster) => Org(http, cluster).ListCampaignsAsync()).RequireAuthorization(Policies.Read);

        var goals = api.MapGroup("/goals").WithTags("Goals");
        goals.MapPost("", CreateGoalAsync).RequireAuthorization(Policies.Admin);
        goals.MapGet("", (HttpContext http, IClusterClient cluster) => Org(http, cluster).ListGoalsAsync()).RequireAuthorization(Policies.Read);
        goals.MapGet("/{goalId}", GetGoalAsync).RequireAuthorization(Policies.Read);
        goals.MapPost("/{goalId}/rebuild", RebuildGoalAsync).RequireAuthorization(Policies.Admin);

        api.MapGet("/boards/{boardId}", GetBoardAsync).RequireAuthorization(Policies.Read).WithTags("Boards");
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
        var departments = v.Ids("departments", request.Departments);
        var activities = new List<CampaignActivity>();
        for (var i = 0; i < (request.Activities?.Count ?? 0); i++)
        {
            var field = $"activities[{i}]";
            if (request.Activities![i] is not { } a)
            {
                v.Add(field, "must be an object.");
                continue;
            }
            var department = v.Id($"{field}.department", a.Department);
            var activityName = v.Text($"{field}.name", a.Name, 200);
            var metrics = v.MetricKeys($"{field}.metrics", a.Metrics);
            if (department is not null && activityName is not null) activities.Add(new CampaignActivity(department, activityName, metrics));
        }
        if (request.Launch is { Start: { } ls, End: { } le } && le <= ls) v.Add("launch.end", "must be after launch.start.");
        if (!v.IsValid) return v.Problem();
        var campaign = await Org(http, cluster).AddCampaignAsync(new Campaign(id!, name!, departments, activities,
            request.Launch?.Start?.ToUniversalTime(), request.Launch?.End?.ToUniversalTime()));
        return TypedResults.Created($"/api/v1/campaigns/{campaign.Id}", campaign);
    }

    private static async Task<IResult> CreateGoalAsync(CreateGoalRequest request, HttpContext http, IClusterClient cluster)
    {
        var v = new Validation();
        var id = v.Id("id", request.Id);
        var title = v.Text("title", request.Title, 200);
        var rollUp = request.RollUp ?? RollUp.OwnMetric;
        var kind = request.Kind ?? GoalKind.IncreaseTo;
        if (rollUp == RollUp.OwnMetric && !MetricKeys.IsValid(request.Metric))
            v.Add("metric", request.Metric is null ? "is required." : $"must be {MetricKeys.Rule}.");
        if (rollUp == RollUp.Children && request.Metric is not null && !MetricKeys.IsValid(request.Metric)) v.Add("metric", $"must be {MetricKeys.Rule}.");
        if (rollUp == RollUp.Children && kind != GoalKind.IncreaseTo) v.Add("kind", "a roll-up goal is the weighted progress of its children: its kind is increaseTo.");
        var target = request.Target ?? (rollUp == RollUp.Children ? 100 : (double?)null);
        if (target is not { } t) v.Add("target", "is required.");
        else if (!double.IsFinite(t) || Math.Abs(t) > EventValidation.MaxAbsoluteValue) v.Add("target", "must be a finite number (at most 1e12 in size).");
        var baseline = request.Baseline ?? 0;
        if (!double.IsFinite(baseline) || Math.Abs(baseline) > EventValidation.MaxAbsoluteValue) v.Add("baseline", "must be a finite number (at most 1e12 in size).");
        if (target is { } tt && kind == GoalKind.IncreaseTo && rollUp == RollUp.OwnMetric && tt <= baseline) v.Add("target", "must be above the baseline for an increaseTo goal.");
        if (target is { } td && kind == GoalKind.DecreaseTo && td >= baseline) v.Add("target", "must be below the baseline for a decreaseTo goal.");
        var weight = request.Weight ?? 1;
        if (!double.IsFinite(weight) || weight <= 0 || weight > 1000) v.Add("weight", "must be a positive number (at most 1000).");
        var owners = v.Ids("owners", request.Owners);
        if (owners.Count == 0) v.Add("owners", "must name at least one owning department.");
        var campaigns = v.Ids("scope.campaigns", [request.Scope?.Campaign, .. request.Scope?.Campaigns ?? []], skipNulls: true);
        var departments = v.Ids("scope.departments", [request.Scope?.Department, .. request.Scope?.Departments ?? []], skipNulls: true);
        var parent = v.OptionalId("parent", request.Parent);
        if (request.Start is not { } start) v.Add("start", "is required.");
        if (request.End is not { } end) v.Add("end", "is required.");
        else if (request.Start is { } s && end <= s) v.Add("end", "must be after start.");
        if (!v.IsValid) return v.Problem();

        var definition = new GoalDefinition(id!, title!, request.Metric ?? "", target!.Value, owners,
            new GoalScope(campaigns, departments), request.Start!.Value.ToUniversalTime(), request.End!.Value.ToUniversalTime(),
            kind, baseline, parent, weight, rollUp, request.Reset ?? ResetCadence.None);
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
