using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>Departments, campaigns and goals. Reads need Read; each change names its action (see <see cref="Access"/>).</summary>
public static class CatalogueEndpoints
{
    public static void MapCatalogue(this RouteGroupBuilder api)
    {
        var departments = api.MapGroup("/departments").WithTags("Departments").Authenticated();
        departments.MapPost("", CreateDepartmentAsync).Requires(AlignAction.ManageCatalogue).Reads().Answers<Department>(201).Problems(409);
        departments.MapGet("", ListDepartmentsAsync).Requires(AlignAction.Read).Answers<IReadOnlyList<Department>>().Problems(400);
        departments.MapPut("/{departmentId}", RenameDepartmentAsync).Requires(AlignAction.ManageCatalogue).Reads().Answers<Department>().Problems(404);
        departments.MapPost("/{departmentId}/archive", (string departmentId, HttpContext http, IClusterClient cluster) => ArchiveDepartmentAsync(departmentId, true, http, cluster))
            .Requires(AlignAction.ManageCatalogue).Answers<DepartmentScorecard>().Problems(404);
        departments.MapPost("/{departmentId}/restore", (string departmentId, HttpContext http, IClusterClient cluster) => ArchiveDepartmentAsync(departmentId, false, http, cluster))
            .Requires(AlignAction.ManageCatalogue).Answers<DepartmentScorecard>().Problems(404);
        departments.MapGet("/{departmentId}/scorecard", GetScorecardAsync).Requires(AlignAction.Read).Answers<DepartmentScorecard>().Problems(404);
        departments.MapPut("/{departmentId}/check-in-cadence", SetCheckInCadenceAsync).Requires(AlignAction.SetCheckInCadence).Reads().Answers<DepartmentScorecard>().Problems(404);

        var campaigns = api.MapGroup("/campaigns").WithTags("Campaigns").Authenticated();
        campaigns.MapPost("", CreateCampaignAsync).Requires(AlignAction.PlanCampaign).Reads().Answers<Campaign>(201).Problems(409);
        campaigns.MapGet("", ListCampaignsAsync).Requires(AlignAction.Read).Answers<IReadOnlyList<Campaign>>().Problems(400);
        campaigns.MapPut("/{campaignId}", ChangeCampaignAsync).Requires(AlignAction.PlanCampaign).Reads().Answers<CampaignView>().Problems(404, 409)
            .WithDescription("Takes the campaign's whole editable definition, as on creation: name, departments and launch window (an omitted list or window is none). " +
                "The id never changes (if given, it is the path's); activities are changed with PUT .../activities/{activityId}. " +
                "Leaving out a department in charge of an activity is 409 (the detail names the activities). The results are recomputed from the log. " +
                "Admins change any campaign; a lead only one with a department it leads, both before and after the change.");
        campaigns.MapPost("/{campaignId}/archive", (string campaignId, HttpContext http, IClusterClient cluster) => ArchiveCampaignAsync(campaignId, true, http, cluster))
            .Requires(AlignAction.PlanCampaign).Answers<CampaignView>().Problems(404);
        campaigns.MapPost("/{campaignId}/restore", (string campaignId, HttpContext http, IClusterClient cluster) => ArchiveCampaignAsync(campaignId, false, http, cluster))
            .Requires(AlignAction.PlanCampaign).Answers<CampaignView>().Problems(404);
        campaigns.MapGet("/{campaignId}", GetCampaignAsync).Requires(AlignAction.Read).Answers<CampaignView>().Problems(404);
        campaigns.MapPut("/{campaignId}/activities/{activityId}", SetActivityAsync).Requires(AlignAction.EditActivity).Reads().Answers<CampaignView>().Problems(404);

        var goals = api.MapGroup("/goals").WithTags("Goals").Authenticated();
        goals.MapPost("", CreateGoalAsync).Requires(AlignAction.DefineGoal).Reads().Answers<GoalView>(201).Problems(409);
        goals.MapGet("", ListGoalsAsync).Requires(AlignAction.Read).Answers<IReadOnlyList<GoalView>>().Problems(400);
        goals.MapGet("/{goalId}", GetGoalAsync).Requires(AlignAction.Read).Answers<GoalView>().Problems(404);
        goals.MapPut("/{goalId}", ChangeGoalAsync).Requires(AlignAction.DefineGoal).Reads().Answers<GoalView>().Problems(404);
        goals.MapPost("/{goalId}/archive", (string goalId, HttpContext http, IClusterClient cluster) => ArchiveGoalAsync(goalId, true, http, cluster))
            .Requires(AlignAction.DefineGoal).Answers<GoalView>().Problems(404);
        goals.MapPost("/{goalId}/restore", (string goalId, HttpContext http, IClusterClient cluster) => ArchiveGoalAsync(goalId, false, http, cluster))
            .Requires(AlignAction.DefineGoal).Answers<GoalView>().Problems(404);
        goals.MapGet("/{goalId}/definitions", GoalDefinitionsAsync).Requires(AlignAction.Read).Answers<IReadOnlyList<GoalChange>>().Problems(404);
        goals.MapPost("/{goalId}/rebuild", RebuildGoalAsync).Requires(AlignAction.ManageCatalogue).Answers<GoalView>().Problems(404);

        api.MapGet("/boards/{boardId}", GetBoardAsync).Requires(AlignAction.WatchBoard).WithTags("Boards").Authenticated()
            .Answers<BoardSnapshot>().Problems(404);
    }

    private static IOrganizationGrain Org(HttpContext http, IClusterClient cluster) => cluster.GetGrain<IOrganizationGrain>(http.User.OrgId());

    private static async Task<IResult> CreateDepartmentAsync(CreateDepartmentRequest request, HttpContext http, IClusterClient cluster)
    {
        var v = new Validation();
        var id = v.Id("id", request.Id);
        var name = v.Text("name", request.Name, InputLimits.MaxNameLength);
        if (!v.IsValid) return v.Problem();
        var department = await Org(http, cluster).AddDepartmentAsync(new Department(id!, name!));
        return TypedResults.Created($"/api/v1/departments/{department.Id}", department);
    }

    private static async Task<IResult> RenameDepartmentAsync(string departmentId, RenameRequest request, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(departmentId)) return NotFound($"Department {InputLimits.Echo(departmentId)} does not exist.");
        var v = new Validation();
        var name = v.Text("name", request.Name, InputLimits.MaxNameLength);
        if (!v.IsValid) return v.Problem();
        return TypedResults.Ok(await Org(http, cluster).RenameDepartmentAsync(departmentId, name!));
    }

    /// <summary>
    /// Replaces a campaign's editable definition (name, departments, launch window) with the body's,
    /// validated as on creation; the id, if given, must be the path's. Activities have their own PUT.
    /// </summary>
    private static async Task<IResult> ChangeCampaignAsync(string campaignId, ChangeCampaignRequest request, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(campaignId)) return NotFound($"Campaign {InputLimits.Echo(campaignId)} does not exist.");
        var (v, campaign) = ValidateCampaign(new CreateCampaignRequest(request.Id ?? campaignId, request.Name, request.Departments, null, request.Launch));
        if (campaign is not null && campaign.Id != campaignId)
        {
            v.Add("id", "must be the campaign's id in the path (a campaign's id cannot change).");
            campaign = null;
        }
        if (campaign is null) return v.Problem();
        if (await cluster.GetGrain<ICampaignGrain>(GrainKeys.For(http.User.OrgId(), campaignId)).GetAsync() is not { } before)
            return NotFound($"Campaign {InputLimits.Echo(campaignId)} does not exist.");
        // As for goals: a lead must lead one of its departments before the change (no taking over someone
        // else's campaign) and after it (no dropping out of it, leaving it to others).
        if (Policies.Departments(http, AlignAction.PlanCampaign, before.Departments) is { } refusedBefore) return refusedBefore;
        if (Policies.Departments(http, AlignAction.PlanCampaign, campaign.Departments) is { } refusedAfter) return refusedAfter;
        var view = await Org(http, cluster).ChangeCampaignAsync(campaignId, campaign.Name, campaign.Departments, campaign.LaunchStart, campaign.LaunchEnd);
        if (ChangedFields(before, campaign).ToList() is { Count: > 0 } fields) AuditRecorder.Detail(http, "fields", string.Join(",", fields));
        return TypedResults.Ok(view);
    }

    private static IEnumerable<string> ChangedFields(Campaign before, Campaign after)
    {
        if (before.Name != after.Name) yield return "name";
        if (!before.Departments.SequenceEqual(after.Departments)) yield return "departments";
        if (before.LaunchStart != after.LaunchStart || before.LaunchEnd != after.LaunchEnd) yield return "launch";
    }

    /// <summary>The campaigns that are not archived; with <c>archived=true</c>, the archived ones.</summary>
    private static async Task<IReadOnlyList<Campaign>> ListCampaignsAsync(bool? archived, HttpContext http, IClusterClient cluster) =>
        [.. (await Org(http, cluster).ListCampaignsAsync()).Where(c => c.Archived == (archived == true))];

    /// <summary>The departments that are not archived; with <c>archived=true</c>, the archived ones.</summary>
    private static async Task<IReadOnlyList<Department>> ListDepartmentsAsync(bool? archived, HttpContext http, IClusterClient cluster) =>
        [.. (await Org(http, cluster).ListDepartmentsAsync()).Where(d => d.Archived == (archived == true))];

    /// <summary>Archives or restores a campaign (admins, and leads of one of its departments); the answer is its view, results included.</summary>
    private static async Task<IResult> ArchiveCampaignAsync(string campaignId, bool archived, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(campaignId)) return NotFound($"Campaign {InputLimits.Echo(campaignId)} does not exist.");
        if (await cluster.GetGrain<ICampaignGrain>(GrainKeys.For(http.User.OrgId(), campaignId)).GetAsync() is not { } existing)
            return NotFound($"Campaign {InputLimits.Echo(campaignId)} does not exist.");
        if (Policies.Departments(http, AlignAction.PlanCampaign, existing.Departments) is { } refused) return refused;
        return TypedResults.Ok(await Org(http, cluster).SetCampaignArchivedAsync(campaignId, archived));
    }

    /// <summary>Archives or restores a department (admins); the answer is its scorecard.</summary>
    private static async Task<IResult> ArchiveDepartmentAsync(string departmentId, bool archived, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(departmentId)) return NotFound($"Department {InputLimits.Echo(departmentId)} does not exist.");
        return TypedResults.Ok(await Org(http, cluster).SetDepartmentArchivedAsync(departmentId, archived));
    }

    private static async Task<IResult> CreateCampaignAsync(CreateCampaignRequest request, HttpContext http, IClusterClient cluster)
    {
        var (v, campaign) = ValidateCampaign(request);
        if (campaign is null) return v.Problem();
        // A lead plans a campaign with a department it leads (the others join it), and puts in charge of
        // its activities only departments it leads, as PUT .../activities/{activityId} would.
        if (Policies.Departments(http, AlignAction.PlanCampaign, campaign.Departments) is { } refused) return refused;
        foreach (var department in (campaign.Activities ?? []).Select(a => a.Department).Distinct(StringComparer.Ordinal))
        {
            if (Policies.Departments(http, AlignAction.EditActivity, [department]) is { } refusedActivity) return refusedActivity;
        }
        return TypedResults.Created($"/api/v1/campaigns/{campaign.Id}", await Org(http, cluster).AddCampaignAsync(campaign));
    }

    /// <summary>The campaign the request describes, or the refusal (linear in the request's size).</summary>
    internal static (Validation Validation, Campaign? Campaign) ValidateCampaign(CreateCampaignRequest request)
    {
        var v = new Validation();
        var id = v.Id("id", request.Id);
        var name = v.Text("name", request.Name, InputLimits.MaxNameLength);
        var departments = v.Ids("departments", request.Departments);
        var activities = new List<CampaignActivity>();
        var activityIds = new HashSet<string>(StringComparer.Ordinal);
        var activityCount = v.Count("activities", request.Activities, InputLimits.MaxActivities) ? request.Activities!.Count : 0;
        for (var i = 0; i < activityCount; i++)
        {
            var field = $"activities[{i}]";
            if (request.Activities![i] is not { } a)
            {
                v.Add(field, "must be an object.");
                continue;
            }
            var activityId = v.Id($"{field}.id", a.Id);
            if (activityId is not null && InputLimits.IsId(activityId) && !activityIds.Add(activityId)) v.Add($"{field}.id", "is already the id of another activity of this campaign.");
            if (ValidateActivity(v, field, activityId, a.Department, a.Name, a.Metrics, a.Targets) is { } activity) activities.Add(activity);
        }
        if (request.Launch is { Start: { } ls, End: { } le } && le <= ls) v.Add("launch.end", "must be after launch.start.");
        if (!v.IsValid) return (v, null);
        return (v, new Campaign(id!, name!, departments, activities, request.Launch?.Start?.ToUniversalTime(), request.Launch?.End?.ToUniversalTime()));
    }

    /// <summary>One activity (linear in its size); null when something is wrong, which <paramref name="v"/> then says.</summary>
    internal static CampaignActivity? ValidateActivity(Validation v, string field, string? id, string? department, string? name, List<string?>? metricKeys, List<ActivityTargetRequest?>? targetRequests)
    {
        department = v.Id($"{field}.department", department);
        name = v.Text($"{field}.name", name, InputLimits.MaxNameLength);
        var metrics = v.MetricKeys($"{field}.metrics", metricKeys, InputLimits.MaxMetricsPerActivity);
        var targets = new List<ActivityTarget>();
        var targeted = new HashSet<string>(StringComparer.Ordinal);
        var count = v.Count($"{field}.targets", targetRequests, InputLimits.MaxMetricsPerActivity) ? targetRequests!.Count : 0;
        for (var j = 0; j < count; j++)
        {
            var at = $"{field}.targets[{j}]";
            if (targetRequests![j] is not { } t)
            {
                v.Add(at, "must be an object.");
                continue;
            }
            if (!InputLimits.IsMetricKey(t.Metric)) v.Add($"{at}.metric", t.Metric is null ? "is required." : $"must be {MetricKeys.Rule}.");
            else if (!metrics.Contains(t.Metric!)) v.Add($"{at}.metric", "must be one of the activity's metrics.");
            else if (!targeted.Add(t.Metric!)) v.Add($"{at}.metric", "has a target already.");
            if (t.Target is not { } target) v.Add($"{at}.target", "is required.");
            else if (!double.IsFinite(target) || Math.Abs(target) > EventValidation.MaxAbsoluteValue) v.Add($"{at}.target", "must be a finite number (at most 1e12 in size).");
            var baseline = t.Baseline ?? 0;
            if (!double.IsFinite(baseline) || Math.Abs(baseline) > EventValidation.MaxAbsoluteValue) v.Add($"{at}.baseline", "must be a finite number (at most 1e12 in size).");
            var kind = t.Kind ?? GoalKind.IncreaseTo;
            if (t.Target is { } ti && kind == GoalKind.IncreaseTo && ti <= baseline) v.Add($"{at}.target", "must be above the baseline for an increaseTo target.");
            if (t.Target is { } td && kind == GoalKind.DecreaseTo && td >= baseline) v.Add($"{at}.target", "must be below the baseline for a decreaseTo target.");
            if ((t.Start is null) != (t.End is null)) v.Add($"{at}.end", "start and end are given together (or neither: the campaign's launch window).");
            else if (t.Start is { } s && t.End is { } e && e <= s) v.Add($"{at}.end", "must be after start.");
            if (v.IsValid) targets.Add(new ActivityTarget(t.Metric!, t.Target!.Value, kind, baseline, t.Start?.ToUniversalTime(), t.End?.ToUniversalTime()));
        }
        if (!v.IsValid) return null;
        return new CampaignActivity(id!, department!, name!, metrics.ToArray(), targets.Count == 0 ? null : targets.ToArray());
    }

    private static async Task<IResult> GetCampaignAsync(string campaignId, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(campaignId)) return NotFound($"Campaign {InputLimits.Echo(campaignId)} does not exist.");
        var view = await cluster.GetGrain<ICampaignGrain>(GrainKeys.For(http.User.OrgId(), campaignId)).GetViewAsync();
        return view is null ? NotFound($"Campaign {InputLimits.Echo(campaignId)} does not exist.") : TypedResults.Ok(view);
    }

    /// <summary>Adds the activity, or changes the one with this id; the campaign's results are recomputed from the log.</summary>
    private static async Task<IResult> SetActivityAsync(string campaignId, string activityId, SetActivityRequest request, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(campaignId)) return NotFound($"Campaign {InputLimits.Echo(campaignId)} does not exist.");
        var v = new Validation();
        v.Id("activityId", activityId);
        var activity = ValidateActivity(v, "activity", activityId, request.Department, request.Name, request.Metrics, request.Targets);
        if (activity is null) return v.Problem();
        if (!http.User.GrantOf().Admin)
        {
            // A lead edits the activities of departments it leads: the one in charge now, and before.
            var campaign = (await Org(http, cluster).ListCampaignsAsync()).FirstOrDefault(c => c.Id == campaignId);
            var before = campaign?.Activities?.FirstOrDefault(a => a.Id == activityId)?.Department;
            if (Policies.Departments(http, AlignAction.EditActivity, before is null || before == activity.Department ? [activity.Department] : [activity.Department, before]) is { } refused)
                return refused;
        }
        return TypedResults.Ok(await Org(http, cluster).SetActivityAsync(campaignId, activity));
    }

    private static async Task<IResult> GetScorecardAsync(string departmentId, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(departmentId)) return NotFound($"Department {InputLimits.Echo(departmentId)} does not exist.");
        var view = await cluster.GetGrain<IDepartmentGrain>(GrainKeys.For(http.User.OrgId(), departmentId)).GetScorecardAsync();
        return view is null ? NotFound($"Department {InputLimits.Echo(departmentId)} does not exist.") : TypedResults.Ok(view);
    }

    /// <summary>How often the department checks in on the goals it owns (<c>everyDays</c>; null or absent: no cadence).</summary>
    private static async Task<IResult> SetCheckInCadenceAsync(string departmentId, CheckInCadenceRequest request, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(departmentId)) return NotFound($"Department {InputLimits.Echo(departmentId)} does not exist.");
        var v = new Validation();
        if (request.EveryDays is { } days && !(double.IsFinite(days) && days > 0 && days <= InputLimits.MaxCheckInEveryDays))
            v.Add("everyDays", $"must be more than 0 and at most {InputLimits.MaxCheckInEveryDays} days (or null: no cadence).");
        if (!v.IsValid) return v.Problem();
        if (Policies.Departments(http, AlignAction.SetCheckInCadence, [departmentId]) is { } refused) return refused;
        var department = cluster.GetGrain<IDepartmentGrain>(GrainKeys.For(http.User.OrgId(), departmentId));
        // An unknown department is not created by a cadence: the grain answers NotFound.
        return TypedResults.Ok(await department.SetCheckInCadenceAsync(request.EveryDays));
    }

    private static async Task<IResult> CreateGoalAsync(CreateGoalRequest request, HttpContext http, IClusterClient cluster)
    {
        var (v, definition) = ValidateGoal(request);
        if (definition is null) return v.Problem();
        if (Policies.Departments(http, AlignAction.DefineGoal, definition.Owners) is { } refused) return refused;
        // A child moves its parent's progress: a lead attaches one only under a goal that one of the
        // departments it leads owns (an unknown parent is refused by the organization as before).
        if (definition.ParentId is { } parentId && await Org(http, cluster).GetGoalDefinitionAsync(parentId) is { } parent
            && !parent.Owners.Any(owner => http.User.Allows(AlignAction.DefineGoal, [owner])))
            return Policies.Departments(http, AlignAction.DefineGoal, parent.Owners)!;
        var view = await Org(http, cluster).CreateGoalAsync(definition);
        return TypedResults.Created($"/api/v1/goals/{view.Id}", view);
    }

    /// <summary>
    /// Replaces a goal's definition with the whole definition in the body (the creation's body and
    /// validation; its id is the path's). A lead changes a goal only if it leads all its owners before
    /// and after the change (as on creation), and under a parent it may attach to.
    /// </summary>
    private static async Task<IResult> ChangeGoalAsync(string goalId, CreateGoalRequest request, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(goalId)) return NotFound($"Goal {InputLimits.Echo(goalId)} does not exist.");
        var (v, definition) = ValidateGoal(request);
        if (definition is not null && definition.Id != goalId)
        {
            v.Add("id", "must be the goal's id in the path (a goal's id cannot change).");
            definition = null;
        }
        if (definition is null) return v.Problem();
        var org = Org(http, cluster);
        if (await org.GetGoalDefinitionAsync(goalId) is not { } existing) return NotFound($"Goal {InputLimits.Echo(goalId)} does not exist.");
        if (Policies.Departments(http, AlignAction.DefineGoal, existing.Owners) is { } refusedBefore) return refusedBefore;
        if (Policies.Departments(http, AlignAction.DefineGoal, definition.Owners) is { } refusedAfter) return refusedAfter;
        if (definition.ParentId is { } parentId && parentId != existing.ParentId && await org.GetGoalDefinitionAsync(parentId) is { } parent
            && !parent.Owners.Any(owner => http.User.Allows(AlignAction.DefineGoal, [owner])))
            return Policies.Departments(http, AlignAction.DefineGoal, parent.Owners)!;
        var view = await org.UpdateGoalAsync(definition, AuditRecorder.ActorOf(http.User));
        AuditRecorder.Detail(http, "fields", string.Join(",", existing.ChangedFields(definition)));
        return TypedResults.Ok(view);
    }

    /// <summary>The goals that are not archived; with <c>archived=true</c>, the archived ones.</summary>
    private static async Task<IReadOnlyList<GoalView>> ListGoalsAsync(bool? archived, HttpContext http, IClusterClient cluster) =>
        archived == true ? await Org(http, cluster).ListArchivedGoalsAsync() : await Org(http, cluster).ListGoalsAsync();

    /// <summary>Archives or restores a goal; who may is who may change it (a lead of all its owners, admins).</summary>
    private static async Task<IResult> ArchiveGoalAsync(string goalId, bool archived, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(goalId)) return NotFound($"Goal {InputLimits.Echo(goalId)} does not exist.");
        var org = Org(http, cluster);
        if (await org.GetGoalDefinitionAsync(goalId) is not { } existing) return NotFound($"Goal {InputLimits.Echo(goalId)} does not exist.");
        if (Policies.Departments(http, AlignAction.DefineGoal, existing.Owners) is { } refused) return refused;
        return TypedResults.Ok(await org.SetGoalArchivedAsync(goalId, archived, AuditRecorder.ActorOf(http.User)));
    }

    /// <summary>Every change of a goal's definition, oldest first: who, when, which fields, before and after.</summary>
    private static async Task<IResult> GoalDefinitionsAsync(string goalId, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(goalId)) return NotFound($"Goal {InputLimits.Echo(goalId)} does not exist.");
        var changes = await cluster.GetGrain<IGoalGrain>(GrainKeys.For(http.User.OrgId(), goalId)).GetChangesAsync();
        return changes is null ? NotFound($"Goal {InputLimits.Echo(goalId)} does not exist.") : TypedResults.Ok(changes);
    }

    /// <summary>The goal the request defines, or the refusal (linear in the request's size).</summary>
    internal static (Validation Validation, GoalDefinition? Goal) ValidateGoal(CreateGoalRequest request)
    {
        var v = new Validation();
        var id = v.Id("id", request.Id);
        var title = v.Text("title", request.Title, InputLimits.MaxNameLength);
        var rollUp = request.RollUp ?? RollUp.OwnMetric;
        var kind = request.Kind ?? GoalKind.IncreaseTo;
        if (rollUp == RollUp.OwnMetric && !InputLimits.IsMetricKey(request.Metric))
            v.Add("metric", request.Metric is null ? "is required." : $"must be {MetricKeys.Rule}.");
        if (rollUp == RollUp.Children && request.Metric is not null && !InputLimits.IsMetricKey(request.Metric)) v.Add("metric", $"must be {MetricKeys.Rule}.");
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
        if (request.Owners is not { Count: > 0 }) v.Add("owners", "must name at least one owning department.");
        var campaigns = ScopeIds(v, "scope.campaigns", request.Scope?.Campaign, request.Scope?.Campaigns);
        var departments = ScopeIds(v, "scope.departments", request.Scope?.Department, request.Scope?.Departments);
        var parent = v.OptionalId("parent", request.Parent);
        if (request.Start is not { } start) v.Add("start", "is required.");
        if (request.End is not { } end) v.Add("end", "is required.");
        else if (request.Start is { } s && end <= s) v.Add("end", "must be after start.");
        if (!v.IsValid) return (v, null);

        return (v, new GoalDefinition(id!, title!, request.Metric ?? "", target!.Value, owners,
            new GoalScope(campaigns, departments), request.Start!.Value.ToUniversalTime(), request.End!.Value.ToUniversalTime(),
            kind, baseline, parent, weight, rollUp, request.Reset ?? ResetCadence.None));
    }

    /// <summary>The one id and the list together; the list is bounded on its own before they are joined.</summary>
    internal static List<string> ScopeIds(Validation v, string field, string? one, List<string?>? several)
    {
        if (several is { Count: > InputLimits.MaxIdsPerList })
        {
            v.Count(field, several, InputLimits.MaxIdsPerList);
            return [];
        }
        return v.Ids(field, [one, .. several ?? []], InputLimits.MaxIdsPerList + 1, skipNulls: true);
    }

    private static async Task<IResult> GetGoalAsync(string goalId, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(goalId)) return NotFound($"Goal {InputLimits.Echo(goalId)} does not exist.");
        var view = await cluster.GetGrain<IGoalGrain>(GrainKeys.For(http.User.OrgId(), goalId)).GetAsync();
        return view is null ? NotFound($"Goal {InputLimits.Echo(goalId)} does not exist.") : TypedResults.Ok(view);
    }

    /// <summary>Recomputes a goal from the organization's log alone; the answer is the rebuilt view.</summary>
    private static async Task<IResult> RebuildGoalAsync(string goalId, HttpContext http, IClusterClient cluster)
    {
        if (!InputLimits.IsId(goalId)) return NotFound($"Goal {InputLimits.Echo(goalId)} does not exist.");
        return TypedResults.Ok(await cluster.GetGrain<IGoalGrain>(GrainKeys.For(http.User.OrgId(), goalId)).RebuildAsync());
    }

    private static async Task<IResult> GetBoardAsync(string boardId, HttpContext http, IClusterClient cluster)
    {
        if (!BoardIds.IsValid(boardId)) return NotFound($"Board {InputLimits.Echo(boardId)} does not exist; boards are {BoardIds.Rule}.");
        if (!http.User.AllowsBoard(boardId))
            return TypedResults.Problem(statusCode: 403, title: "Not allowed", detail: "A board link reads its own board only.");
        var snapshot = await cluster.GetGrain<IBoardGrain>(GrainKeys.For(http.User.OrgId(), boardId)).GetSnapshotAsync();
        return TypedResults.Ok(await Live.BoardWatches.WithLocaleAsync(cluster, http.User.OrgId(), snapshot));
    }

    internal static IResult NotFound(string detail) => TypedResults.Problem(statusCode: 404, title: "Not found", detail: detail);
}
