using Microsoft.Extensions.Logging;

namespace Orleans.Align.Grains.Catalogue;

[GenerateSerializer, Alias("align.organization-state")]
public sealed class OrganizationState
{
    [Id(0)] public OrganizationInfo? Info { get; set; }
    [Id(1)] public List<string> Departments { get; set; } = [];
    [Id(2)] public List<string> Campaigns { get; set; } = [];
    /// <summary>Goal definitions, kept here because they are the ingest log's routing table.</summary>
    [Id(3)] public List<GoalDefinition> Goals { get; set; } = [];
    [Id(4)] public List<StoredKey> ApiKeys { get; set; } = [];
    [Id(5)] public List<MetricDefinition> Metrics { get; set; } = [];
    [Id(6)] public AlignmentSettings Settings { get; set; } = AlignmentSettings.Default;
    [Id(7)] public List<string> Reviews { get; set; } = [];
    /// <summary>Raised by every change the ingest log must know about, so it can tell a routing table it missed.</summary>
    [Id(8)] public long RoutingVersion { get; set; }
    /// <summary>What the platform operator set for this tenant; the gateways enforce it.</summary>
    [Id(9)] public OrganizationRateLimits RateLimits { get; set; } = OrganizationRateLimits.Defaults;
    /// <summary>Each campaign's activity ids, for the routing table (events may name one of their campaign's).</summary>
    [Id(10)] public Dictionary<string, List<string>> Activities { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Trigger rule definitions, kept here because they are part of the ingest log's routing table.</summary>
    [Id(11)] public List<TriggerRule> Rules { get; set; } = [];
    /// <summary>
    /// The last revision each rule id has had, deleted ones included: a rule made again under a
    /// deleted one's id continues its revisions, so it never meets the old revision's grain or cursor.
    /// </summary>
    [Id(13)] public Dictionary<string, int> RuleRevisions { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The normalized emails of the organization's people; each one's membership is its own grain.</summary>
    [Id(12)] public List<string> People { get; set; } = [];
    /// <summary>Wall-screen board links (hash and record, like keys; each record is also its own <c>ApiKeyGrain</c>).</summary>
    [Id(14)] public List<StoredKey> BoardLinks { get; set; } = [];
}

[GenerateSerializer, Alias("align.stored-key")]
public sealed record StoredKey([property: Id(0)] string Hash, [property: Id(1)] ApiKeyRecord Record);

/// <summary>
/// The tenant root: it validates every catalogue change against what the organization has, and
/// keeps the ingest log's routing table in step with its goals.
/// </summary>
public sealed class OrganizationGrain(
    [PersistentState("organization", StorageNames.Align)] IPersistentState<OrganizationState> state,
    TimeProvider clock,
    ILogger<OrganizationGrain> logger) : Grain, IOrganizationGrain
{
    private string OrgId => this.GetPrimaryKeyString();

    private OrganizationState Existing => state.State.Info is not null
        ? state.State
        : throw AlignException.NotFound($"Organization '{OrgId}' does not exist.");

    public async Task<OrganizationInfo> CreateAsync(string name, string adminKeyHash)
    {
        if (state.State.Info is not null) throw AlignException.Conflict($"Organization '{OrgId}' already exists.");
        var now = clock.GetUtcNow();
        var info = new OrganizationInfo(OrgId, name, now);
        var key = NewKey("initial admin key", [Scopes.Admin], adminKeyHash, now);
        await GrainFactory.GetGrain<IApiKeyGrain>(adminKeyHash).RegisterAsync(key.Record);
        await ChangeAsync(s =>
        {
            s.Info = info;
            s.ApiKeys.Add(key);
            s.Metrics = [.. MetricCatalogue.Defaults];
        });
        return info;
    }

    /// <summary>
    /// Applies a change and saves it; if the save fails, the change is undone in memory too, so a
    /// refused or failed command leaves the organization exactly as it was.
    /// </summary>
    private async Task ChangeAsync(Action<OrganizationState> change)
    {
        var before = state.State;
        var copy = new OrganizationState
        {
            Info = before.Info,
            Departments = [.. before.Departments],
            Campaigns = [.. before.Campaigns],
            Goals = [.. before.Goals],
            ApiKeys = [.. before.ApiKeys],
            Metrics = [.. before.Metrics],
            Settings = before.Settings,
            Reviews = [.. before.Reviews],
            RoutingVersion = before.RoutingVersion,
            RateLimits = before.RateLimits,
            Activities = before.Activities.ToDictionary(a => a.Key, a => a.Value.ToList(), StringComparer.Ordinal),
            Rules = [.. before.Rules],
            RuleRevisions = new Dictionary<string, int>(before.RuleRevisions, StringComparer.Ordinal),
            People = [.. before.People],
            BoardLinks = [.. before.BoardLinks ?? []],
        };
        change(copy);
        state.State = copy;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = before;
            throw;
        }
    }

    public Task<OrganizationInfo?> GetAsync() => Task.FromResult(state.State.Info);

    public async Task<Department> AddDepartmentAsync(Department department)
    {
        var s = Existing;
        if (s.Departments.Contains(department.Id)) throw AlignException.Conflict($"Department '{department.Id}' already exists.");
        await GrainFactory.GetGrain<IDepartmentGrain>(GrainKeys.For(OrgId, department.Id)).DefineAsync(department);
        await SaveAndRouteAsync(c => c.Departments.Add(department.Id));
        return department;
    }

    public async Task<Department> RenameDepartmentAsync(string departmentId, string name)
    {
        if (!Existing.Departments.Contains(departmentId)) throw AlignException.NotFound($"Department '{departmentId}' does not exist.");
        return await GrainFactory.GetGrain<IDepartmentGrain>(GrainKeys.For(OrgId, departmentId)).RenameAsync(name);
    }

    public async Task<IReadOnlyList<Department>> ListDepartmentsAsync()
    {
        var found = await Task.WhenAll(Existing.Departments.Select(id => GrainFactory.GetGrain<IDepartmentGrain>(GrainKeys.For(OrgId, id)).GetAsync()));
        return [.. found.OfType<Department>()];
    }

    // Archiving changes no routing: events that name an archived department, campaign or activity are
    // still accepted and counted (an integration's late events are not lost, and a restore is exact).
    public async Task<DepartmentScorecard> SetDepartmentArchivedAsync(string departmentId, bool archived)
    {
        if (!Existing.Departments.Contains(departmentId)) throw AlignException.NotFound($"Department '{departmentId}' does not exist.");
        var scorecard = await GrainFactory.GetGrain<IDepartmentGrain>(GrainKeys.For(OrgId, departmentId)).SetArchivedAsync(archived);
        logger.LogInformation("Department {DepartmentId} of {OrgId} is {State}", departmentId, OrgId, archived ? "archived" : "restored");
        return scorecard;
    }

    public async Task<CampaignView> SetCampaignArchivedAsync(string campaignId, bool archived)
    {
        if (!Existing.Campaigns.Contains(campaignId)) throw AlignException.NotFound($"Campaign '{campaignId}' does not exist.");
        var view = await GrainFactory.GetGrain<ICampaignGrain>(GrainKeys.For(OrgId, campaignId)).SetArchivedAsync(archived);
        logger.LogInformation("Campaign {CampaignId} of {OrgId} is {State}", campaignId, OrgId, archived ? "archived" : "restored");
        return view;
    }

    public async Task<Campaign> AddCampaignAsync(Campaign campaign)
    {
        var s = Existing;
        if (s.Campaigns.Contains(campaign.Id)) throw AlignException.Conflict($"Campaign '{campaign.Id}' already exists.");
        RequireDepartments(campaign.Departments);
        var activities = campaign.Activities ?? [];
        var repeated = activities.GroupBy(a => a.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0) throw AlignException.Invalid($"Activity ids must be unique within a campaign: {string.Join(", ", repeated)}.");
        campaign = campaign with { Activities = activities.Select(a => RequireActivity(campaign, a)).ToArray() };
        await GrainFactory.GetGrain<ICampaignGrain>(GrainKeys.For(OrgId, campaign.Id)).DefineAsync(campaign);
        await SaveAndRouteAsync(c =>
        {
            c.Campaigns.Add(campaign.Id);
            c.Activities[campaign.Id] = [.. campaign.Activities!.Select(a => a.Id)];
        });
        return campaign;
    }

    public async Task<CampaignView> SetActivityAsync(string campaignId, CampaignActivity activity)
    {
        var s = Existing;
        var grain = GrainFactory.GetGrain<ICampaignGrain>(GrainKeys.For(OrgId, campaignId));
        if (!s.Campaigns.Contains(campaignId) || await grain.GetAsync() is not { } campaign)
            throw AlignException.NotFound($"Campaign '{campaignId}' does not exist.");
        if (campaign.Activities is { Count: >= MaxActivities } known && !known.Any(a => a.Id == activity.Id))
            throw AlignException.Invalid($"A campaign has at most {MaxActivities} activities.");
        activity = RequireActivity(campaign, activity);
        // The campaign knows the activity before the routing lets events name it.
        var view = await grain.SetActivityAsync(activity);
        if (!(s.Activities.GetValueOrDefault(campaignId) ?? []).Contains(activity.Id))
            await SaveAndRouteAsync(c => c.Activities[campaignId] = [.. c.Activities.GetValueOrDefault(campaignId) ?? [], activity.Id]);
        return view;
    }

    /// <summary>The most activities one campaign has (the API's bound, checked again where the truth is).</summary>
    public const int MaxActivities = 200;

    /// <summary>
    /// An activity belongs to one of its campaign's departments, moves known metrics, and has targets
    /// only for metrics it moves, each over a period: its own, or the campaign's launch window. Returns
    /// the activity with each target carrying its metric's definition.
    /// </summary>
    private CampaignActivity RequireActivity(Campaign campaign, CampaignActivity activity)
    {
        var s = state.State;
        if (!campaign.Departments.Contains(activity.Department))
            throw AlignException.Invalid($"Activity '{activity.Id}' belongs to '{activity.Department}', which is not one of the campaign's departments.");
        var unknown = activity.Metrics.Where(k => !s.Metrics.Exists(m => m.Key == k)).ToList();
        if (unknown.Count > 0) throw AlignException.Invalid($"Activity '{activity.Id}' names unknown metric(s): {string.Join(", ", unknown)}.");
        foreach (var target in activity.Targets ?? [])
        {
            if (!activity.Metrics.Contains(target.Metric))
                throw AlignException.Invalid($"Activity '{activity.Id}' has a target for '{target.Metric}', which is not one of the metrics it moves.");
            var (start, end) = (target.Start ?? campaign.LaunchStart, target.End ?? campaign.LaunchEnd);
            if (start is null || end is null)
                throw AlignException.Invalid($"The target for '{target.Metric}' of activity '{activity.Id}' needs a period: give start and end, or give the campaign a launch window.");
            if (end <= start) throw AlignException.Invalid($"The target for '{target.Metric}' of activity '{activity.Id}' ends before it starts.");
        }
        if (activity.Targets is { } targets && targets.Select(t => t.Metric).Distinct().Count() != targets.Count)
            throw AlignException.Invalid($"Activity '{activity.Id}' has more than one target for the same metric.");
        return activity with { Targets = activity.Targets?.Select(t => t with { MetricDefinition = s.Metrics.Find(m => m.Key == t.Metric) }).ToArray() };
    }

    public async Task<CampaignView> ChangeCampaignAsync(string campaignId, string name, IReadOnlyList<string> departments, DateTimeOffset? launchStart, DateTimeOffset? launchEnd)
    {
        var grain = GrainFactory.GetGrain<ICampaignGrain>(GrainKeys.For(OrgId, campaignId));
        if (!Existing.Campaigns.Contains(campaignId) || await grain.GetAsync() is not { } campaign)
            throw AlignException.NotFound($"Campaign '{campaignId}' does not exist.");
        RequireDepartments(departments);
        if (launchStart is { } start && launchEnd is { } end && end <= start) throw AlignException.Invalid("The launch window ends before it starts.");
        var changed = campaign with { Name = name, Departments = departments.ToArray(), LaunchStart = launchStart, LaunchEnd = launchEnd };
        // A department in charge of an activity stays in the campaign: the activity moves first (PUT .../activities/{id}).
        var orphaned = (campaign.Activities ?? []).Where(a => !changed.Departments.Contains(a.Department)).ToList();
        if (orphaned.Count > 0)
            throw AlignException.Conflict($"Department(s) {string.Join(", ", orphaned.Select(a => a.Department).Distinct())} are in charge of activities of campaign '{campaignId}': " +
                $"{string.Join(", ", orphaned.Select(a => a.Id))}. Give those activities to a department that stays first.");
        // Every target still has a period: its own, or the (new) launch window.
        foreach (var activity in changed.Activities ?? []) RequireActivity(changed, activity);
        return await grain.ChangeAsync(name, changed.Departments, launchStart, launchEnd);
    }

    public async Task<IReadOnlyList<Campaign>> ListCampaignsAsync()
    {
        var found = await Task.WhenAll(Existing.Campaigns.Select(id => GrainFactory.GetGrain<ICampaignGrain>(GrainKeys.For(OrgId, id)).GetAsync()));
        return [.. found.OfType<Campaign>()];
    }

    public async Task<GoalView> CreateGoalAsync(GoalDefinition goal)
    {
        var s = Existing;
        RequireDepartments(goal.Owners);
        RequireScope(goal.Scope);
        if (goal.ParentId is { } parentId)
        {
            if (parentId == goal.Id) throw AlignException.Invalid("A goal cannot be its own parent.");
            if (s.Goals.Find(g => g.Id == parentId) is null) throw AlignException.Invalid($"Unknown parent goal '{parentId}'; create the parent first.");
        }
        if (goal.RollUp == RollUp.OwnMetric)
        {
            // The goal carries its metric's definition, so a later change to the catalogue cannot change what it measured.
            var metric = s.Metrics.Find(m => m.Key == goal.Metric)
                ?? throw AlignException.Invalid($"Unknown metric '{goal.Metric}'. See GET /api/v1/metrics.");
            goal = goal with { MetricDefinition = metric };
        }

        var goalGrain = GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(OrgId, goal.Id));
        if (s.Goals.Find(g => g.Id == goal.Id) is null)
        {
            // Route first, then define: events that arrive in between are in the log, and the
            // definition reads the log, so none is missed.
            await SaveAndRouteAsync(c => c.Goals.Add(goal));
        }
        return await goalGrain.DefineAsync(goal);
    }

    public async Task<GoalView> UpdateGoalAsync(GoalDefinition goal, AuditActor by)
    {
        var s = Existing;
        var existing = s.Goals.Find(g => g.Id == goal.Id) ?? throw AlignException.NotFound($"Goal '{goal.Id}' does not exist.");
        var goalGrain = GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(OrgId, goal.Id));
        RequireDepartments(goal.Owners);
        RequireScope(goal.Scope);
        if (goal.RollUp != existing.RollUp)
            throw AlignException.Invalid("A goal's roll-up cannot change (its own metric or its children's progress): create another goal.");
        if (goal.ParentId is { } parentId)
        {
            if (parentId == goal.Id) throw AlignException.Invalid("A goal cannot be its own parent.");
            if (s.Goals.Find(g => g.Id == parentId) is null) throw AlignException.Invalid($"Unknown parent goal '{parentId}'; create the parent first.");
            // The new parent may not sit below this goal: the alignment tree stays a tree.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var at = s.Goals.Find(g => g.Id == parentId); at is not null && seen.Add(at.Id); at = at.ParentId is { } up ? s.Goals.Find(g => g.Id == up) : null)
            {
                if (at.Id == goal.Id) throw AlignException.Invalid($"Goal '{parentId}' is below '{goal.Id}' in the alignment tree; it cannot be its parent.");
            }
        }
        if (goal.RollUp == RollUp.OwnMetric)
        {
            // An unchanged metric keeps the definition the goal was created with (a catalogue change does
            // not change what it measures); a new metric takes the catalogue's.
            var metric = goal.Metric == existing.Metric && existing.MetricDefinition is { } kept ? kept
                : s.Metrics.Find(m => m.Key == goal.Metric) ?? throw AlignException.Invalid($"Unknown metric '{goal.Metric}'. See GET /api/v1/metrics.");
            goal = goal with { MetricDefinition = metric };
        }
        else goal = goal with { MetricDefinition = existing.MetricDefinition };
        // Archiving has its own operations: a changed definition keeps the goal archived or not.
        goal = goal with { Archived = existing.Archived };

        // The same definition again (a retry): nothing to record; the goal takes what it may have missed.
        if (existing.SameAs(goal)) return await goalGrain.RedefineAsync(existing);

        var revision = existing.Revision + 1;
        goal = goal with
        {
            Revision = revision,
            CountingRevision = existing.CountsLike(goal) ? existing.CountingRevision : revision,
            ChangedBy = by,
            ChangedAt = clock.GetUtcNow(),
        };
        // Route first, then tell the goal, as on creation: a new counting rule gets a new cursor, and the
        // goal reads the log when it takes the definition, so nothing that arrives in between is missed.
        // If the goal cannot be told now, it takes the saved definition on its next delivery or activation.
        await SaveAndRouteAsync(c => c.Goals[c.Goals.FindIndex(g => g.Id == goal.Id)] = goal);
        return await goalGrain.RedefineAsync(goal);
    }

    public async Task<GoalView> SetGoalArchivedAsync(string goalId, bool archived, AuditActor by)
    {
        var existing = Existing.Goals.Find(g => g.Id == goalId) ?? throw AlignException.NotFound($"Goal '{goalId}' does not exist.");
        var goalGrain = GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(OrgId, goalId));
        if (existing.Archived == archived) return await goalGrain.RedefineAsync(existing);
        var goal = existing with { Archived = archived, Revision = existing.Revision + 1, ChangedBy = by, ChangedAt = clock.GetUtcNow() };
        // Archiving: the routing drops the goal's cursor, then the goal leaves its boards. Restoring: the
        // routing gives it a cursor at the log's tail, whose first (empty) range makes it read what it missed.
        await SaveAndRouteAsync(c => c.Goals[c.Goals.FindIndex(g => g.Id == goalId)] = goal);
        return await goalGrain.RedefineAsync(goal);
    }

    public async Task<IReadOnlyList<GoalView>> ListArchivedGoalsAsync()
    {
        var found = await Task.WhenAll(Existing.Goals.Where(g => g.Archived).Select(g => GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(OrgId, g.Id)).GetAsync()));
        return [.. found.OfType<GoalView>()];
    }

    public async Task<RuleView> CreateRuleAsync(TriggerRule rule)
    {
        rule = ValidRule(rule);
        if (Existing.Rules.Find(r => r.Id == rule.Id) is { } existing)
        {
            if (!existing.SameAs(rule)) throw AlignException.Conflict($"Rule '{rule.Id}' already exists with a different definition.");
            rule = existing;
        }
        else
        {
            rule = rule with { Revision = NextRevision(rule.Id) };
            // Route first, then define: events that arrive in between are in the log, and the definition reads the log.
            await SaveAndRouteAsync(c =>
            {
                c.Rules.Add(rule);
                c.RuleRevisions[rule.Id] = rule.Revision;
            });
        }
        return await RuleGrain(rule).DefineAsync(rule);
    }

    public async Task<RuleView> UpdateRuleAsync(TriggerRule rule)
    {
        // An unknown rule is not found, whatever the request says.
        var existing = Existing.Rules.Find(r => r.Id == rule.Id) ?? throw AlignException.NotFound($"Rule '{rule.Id}' does not exist.");
        rule = ValidRule(rule);
        if (existing.SameAs(rule)) return await RuleGrain(existing).DefineAsync(existing);

        // The old revision resolves what it raised first (and refuses while the feed cannot be told,
        // changing nothing); then the new revision is routed and reads the log from its start.
        rule = rule with { Revision = NextRevision(rule.Id) };
        await RuleGrain(existing).RetireAsync();
        await SaveAndRouteAsync(c =>
        {
            c.Rules[c.Rules.FindIndex(r => r.Id == rule.Id)] = rule;
            c.RuleRevisions[rule.Id] = rule.Revision;
        });
        return await RuleGrain(rule).DefineAsync(rule);
    }

    public async Task DeleteRuleAsync(string ruleId)
    {
        var existing = Existing.Rules.Find(r => r.Id == ruleId) ?? throw AlignException.NotFound($"Rule '{ruleId}' does not exist.");
        await RuleGrain(existing).RetireAsync();
        await SaveAndRouteAsync(c =>
        {
            c.Rules.RemoveAll(r => r.Id == ruleId);
            c.RuleRevisions[ruleId] = existing.Revision;
        });
    }

    /// <summary>The rule as the organization keeps it (with its metric's definition), or Invalid for what it does not have.</summary>
    private TriggerRule ValidRule(TriggerRule rule)
    {
        var s = Existing;
        RequireDepartments(rule.Notify);
        RequireScope(rule.Scope);
        var metric = s.Metrics.Find(m => m.Key == rule.Metric) ?? throw AlignException.Invalid($"Unknown metric '{rule.Metric}'. See GET /api/v1/metrics.");
        if (rule.Goal is not null) throw AlignException.Invalid("A goal's trend rule follows the goal and the organization's trend settings; it is not made through the rules.");
        return rule with { MetricDefinition = metric, Revision = 0 };
    }

    /// <summary>0 for an id never used; otherwise one past the last revision it had, deleted or current.</summary>
    private int NextRevision(string ruleId)
    {
        var last = state.State.RuleRevisions.TryGetValue(ruleId, out var kept) ? kept : -1;
        if (state.State.Rules.Find(r => r.Id == ruleId) is { } current) last = Math.Max(last, current.Revision);
        return last + 1;
    }

    private IRuleGrain RuleGrain(TriggerRule rule) => GrainFactory.GetGrain<IRuleGrain>(GrainKeys.For(OrgId, rule.ViewId));

    public async Task<IReadOnlyList<RuleView>> ListRulesAsync()
    {
        var s = Existing;
        var rules = Task.WhenAll(s.Rules.Select(r => RuleGrain(r).GetAsync()));
        // Each goal's trend alert is a rule too, judged by the goal: listed after the organization's own.
        var trends = Task.WhenAll(s.Goals.Where(g => !g.Archived).Select(g => GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(OrgId, g.Id)).GetTrendAsync()));
        return [.. (await rules).OfType<RuleView>(), .. (await trends).OfType<RuleView>()];
    }

    public Task<TriggerRule?> GetRuleDefinitionAsync(string ruleId) => Task.FromResult(state.State.Rules.Find(r => r.Id == ruleId));

    public async Task<RuleView?> GetRuleAsync(string ruleId) =>
        Existing.Rules.Find(r => r.Id == ruleId) is { } rule ? await RuleGrain(rule).GetAsync() : null;

    public Task<GoalDefinition?> GetGoalDefinitionAsync(string goalId) =>
        Task.FromResult(state.State.Goals.Find(g => g.Id == goalId));

    public async Task<IReadOnlyList<GoalView>> ListGoalsAsync()
    {
        var found = await Task.WhenAll(Existing.Goals.Where(g => !g.Archived).Select(g => GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(OrgId, g.Id)).GetAsync()));
        return [.. found.OfType<GoalView>()];
    }

    public Task<OrganizationRouting> GetRoutingAsync() => Task.FromResult(Routing());

    private OrganizationRouting Routing() => state.State.Info is null
        ? OrganizationRouting.Empty
        : new OrganizationRouting([.. state.State.Departments], [.. state.State.Campaigns], [.. state.State.Goals],
            [.. state.State.Metrics.Where(m => m.Kind != MetricKind.Ratio).Select(m => m.Key)], state.State.RoutingVersion,
            state.State.Activities.ToDictionary(a => a.Key, a => (IReadOnlyList<string>)[.. a.Value], StringComparer.Ordinal),
            [.. state.State.Rules]);

    public Task<long> GetRoutingVersionAsync() => Task.FromResult(state.State.RoutingVersion);

    public Task<AlignmentSettings> GetSettingsAsync() => Task.FromResult((state.State.Settings ?? AlignmentSettings.Default).WithDefaults());

    public async Task<AlignmentSettings> UpdateSettingsAsync(AlignmentSettings settings)
    {
        _ = Existing;
        await ChangeAsync(s => s.Settings = settings);
        await Task.WhenAll(state.State.Goals.Select(g => GrainFactory.GetGrain<IGoalGrain>(GrainKeys.For(OrgId, g.Id)).SettingsChangedAsync(settings)));
        // Campaigns, departments and rules judge pace and hold alerts by them too. One that cannot be
        // told now reads them on its next activation; the change itself is saved.
        var views = state.State.Campaigns.Select(c => Tell(GrainFactory.GetGrain<ICampaignGrain>(GrainKeys.For(OrgId, c)).SettingsChangedAsync(settings), "campaign", c))
            .Concat(state.State.Departments.Select(d => Tell(GrainFactory.GetGrain<IDepartmentGrain>(GrainKeys.For(OrgId, d)).SettingsChangedAsync(settings), "department", d)))
            .Concat(state.State.Rules.Select(r => Tell(RuleGrain(r).SettingsChangedAsync(settings), "rule", r.Id)));
        await Task.WhenAll(views);
        return settings;

        async Task Tell(Task told, string kind, string id)
        {
            try
            {
                await told;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Telling {Kind} {Id} of {OrgId} the new settings failed; it reads them when it next activates", kind, id, OrgId);
            }
        }
    }

    public Task<IReadOnlyList<MetricDefinition>> ListMetricsAsync() => Task.FromResult<IReadOnlyList<MetricDefinition>>([.. Existing.Metrics]);

    public async Task<MetricDefinition> AddMetricAsync(MetricDefinition metric)
    {
        var s = Existing;
        if (!MetricKeys.IsValid(metric.Key)) throw AlignException.Invalid($"Metric keys are {MetricKeys.Rule}.");
        if ((metric.Kind == MetricKind.Ratio) != (metric.Formula is not null))
            throw AlignException.Invalid("A ratio metric needs a formula, and only a ratio metric has one.");
        if (metric.Formula is { Numerator.Count: 0 } or { Denominator.Count: 0 })
            throw AlignException.Invalid("A ratio's numerator and denominator each need at least one term.");
        if (s.Metrics.Exists(m => m.Key == metric.Key)) throw AlignException.Conflict($"Metric '{metric.Key}' already exists.");
        if (metric.Formula is { } formula)
        {
            var unknown = formula.BaseMetrics.Where(k => !s.Metrics.Exists(m => m.Key == k && m.Kind == MetricKind.Additive)).ToList();
            if (unknown.Count > 0) throw AlignException.Invalid($"A ratio is built from additive metrics; unknown or not additive: {string.Join(", ", unknown)}.");
        }
        await SaveAndRouteAsync(c => c.Metrics.Add(metric));
        return metric;
    }

    public async Task<Review> AddReviewAsync(string reviewId, string name)
    {
        var s = Existing;
        if (s.Reviews.Contains(reviewId)) throw AlignException.Conflict($"Review '{reviewId}' already exists.");
        var review = await GrainFactory.GetGrain<IReviewGrain>(GrainKeys.For(OrgId, reviewId)).FreezeAsync(name, await ListGoalsAsync());
        await ChangeAsync(c => c.Reviews.Add(reviewId));
        return review;
    }

    public Task<IReadOnlyList<string>> ListReviewsAsync() => Task.FromResult<IReadOnlyList<string>>([.. Existing.Reviews]);

    public async Task<ApiKeyRecord?> IssueApiKeyAsync(string name, IReadOnlyList<string> scopes, string keyHash, string issuerKeyHash)
    {
        // Checked in this grain's turn, which revocation also takes: a revoked key never mints another.
        var issuer = Existing.ApiKeys.Find(k => k.Hash == issuerKeyHash)?.Record;
        if (issuer is not { Revoked: false } || !issuer.Scopes.Contains(Scopes.Admin)) return null;
        var key = NewKey(name, scopes, keyHash, clock.GetUtcNow());
        await GrainFactory.GetGrain<IApiKeyGrain>(keyHash).RegisterAsync(key.Record);
        await ChangeAsync(s => s.ApiKeys.Add(key));
        return key.Record;
    }

    public async Task<ApiKeyRecord?> IssueApiKeyForPersonAsync(string name, IReadOnlyList<string> scopes, string keyHash, string email, string sessionId)
    {
        _ = Existing;
        // In this grain's turn, which removing a person also takes: a removed admin never mints a key.
        var issuer = await Membership(email).ValidateSessionAsync(sessionId);
        if (issuer is not { Role: PersonRoles.Admin }) return null;
        var key = NewKey(name, scopes, keyHash, clock.GetUtcNow());
        await GrainFactory.GetGrain<IApiKeyGrain>(keyHash).RegisterAsync(key.Record);
        await ChangeAsync(s => s.ApiKeys.Add(key));
        return key.Record;
    }

    public async Task<PersonAdded> AddPersonAsync(string email, string displayName, string role, IReadOnlyList<string> departments, string setPasswordTokenHash, DateTimeOffset tokenExpiresAt)
    {
        var s = Existing;
        if (!Emails.IsValid(email) || Emails.Normalize(email) != email) throw AlignException.Invalid($"'{email}' is not a normalized email address.");
        var ids = RequireRole(role, departments);
        var membership = Membership(email);
        if (s.People.Contains(email) || await membership.GetAsync() is not null) throw AlignException.Conflict($"{email} is already a member of this organization.");

        // The account first (it may exist: then it is left alone), then the membership that makes it count here.
        var account = GrainFactory.GetGrain<IAccountGrain>(email);
        var created = await account.EnsureAsync(displayName, setPasswordTokenHash, tokenExpiresAt);
        var granted = new Membership(OrgId, email, displayName, role, ids, clock.GetUtcNow(), Guid.NewGuid().ToString("N"));
        await membership.GrantAsync(granted);
        await account.JoinAsync(OrgId);
        await ChangeAsync(c => c.People.Add(email));
        logger.LogInformation("{Email} joined {OrgId} as {Role}", email, OrgId, role);
        return new PersonAdded(granted, created);
    }

    public async Task<IReadOnlyList<Membership>> ListPeopleAsync()
    {
        var people = await Task.WhenAll(Existing.People.Select(email => Membership(email).GetAsync()));
        return [.. people.OfType<Membership>()];
    }

    /// <summary>The role's departments, distinct, once the role and they are known to fit each other and this organization.</summary>
    private string[] RequireRole(string role, IReadOnlyList<string> departments)
    {
        if (!PersonRoles.IsKnown(role)) throw AlignException.Invalid($"Unknown role '{role}'; roles are {string.Join(", ", PersonRoles.All)}.");
        var ids = departments.Distinct(StringComparer.Ordinal).ToArray();
        if (PersonRoles.TakesDepartments(role) && ids.Length == 0) throw AlignException.Invalid($"A {role} acts for at least one department.");
        if (!PersonRoles.TakesDepartments(role) && ids.Length > 0) throw AlignException.Invalid($"An {role} acts for the whole organization and names no department.");
        RequireDepartments(ids);
        return ids;
    }

    public async Task<PersonChanged> ChangePersonAsync(string email, string role, IReadOnlyList<string> departments)
    {
        if (!Existing.People.Contains(email)) throw AlignException.NotFound($"{email} is not a member of this organization.");
        var ids = RequireRole(role, departments);
        var membership = Membership(email);
        var before = await membership.GetAsync() ?? throw AlignException.NotFound($"{email} is not a member of this organization.");
        if (before.Role == PersonRoles.Admin && role != PersonRoles.Admin) await RequireAnotherAdminAsync(email, "demoted");
        // In this grain's turn, which adding, removing and changing people all take: two admins cannot demote each other at once.
        var after = await membership.ChangeAsync(role, ids) ?? throw AlignException.NotFound($"{email} is not a member of this organization.");
        logger.LogInformation("{Email}'s role in {OrgId} changed from {Before} to {After}", email, OrgId, before.Role, after.Role);
        return new PersonChanged(before, after);
    }

    /// <summary>Conflict unless someone other than <paramref name="email"/> is an admin: nobody locks the organization's people out of managing it.</summary>
    private async Task RequireAnotherAdminAsync(string email, string what)
    {
        var others = await Task.WhenAll(Existing.People.Where(p => p != email).Select(p => Membership(p).GetAsync()));
        if (!others.Any(m => m is { Role: PersonRoles.Admin }))
            throw AlignException.Conflict($"{email} is the last admin of this organization and cannot be {what}: make someone else an admin first.");
    }

    public async Task RemovePersonAsync(string email)
    {
        if (!Existing.People.Contains(email)) throw AlignException.NotFound($"{email} is not a member of this organization.");
        if (await Membership(email).GetAsync() is { Role: PersonRoles.Admin }) await RequireAnotherAdminAsync(email, "removed");
        // Revoked first: once the organization forgets the person, nothing would retry the revocation.
        await Membership(email).RevokeAsync();
        await GrainFactory.GetGrain<IAccountGrain>(email).LeaveAsync(OrgId);
        await ChangeAsync(c => c.People.Remove(email));
        logger.LogInformation("{Email} was removed from {OrgId}", email, OrgId);
    }

    private IMembershipGrain Membership(string email) => GrainFactory.GetGrain<IMembershipGrain>(GrainKeys.For(OrgId, email));

    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync() =>
        Task.FromResult<IReadOnlyList<ApiKeyRecord>>([.. Existing.ApiKeys.Select(k => k.Record)]);

    public async Task RevokeApiKeyAsync(string keyId)
    {
        var s = Existing;
        var index = s.ApiKeys.FindIndex(k => k.Record.KeyId == keyId);
        if (index < 0) throw AlignException.NotFound($"API key '{keyId}' does not exist.");
        var key = s.ApiKeys[index];
        await GrainFactory.GetGrain<IApiKeyGrain>(key.Hash).RevokeAsync();
        await ChangeAsync(c => c.ApiKeys[index] = key with { Record = key.Record with { Revoked = true } });
    }

    public async Task<ApiKeyRecord?> IssueBoardLinkAsync(string name, string board, DateTimeOffset? expiresAt, string linkHash, BoardLinkIssuer issuer)
    {
        var s = Existing;
        var exists = board == BoardIds.Overview
            || (BoardIds.TryParse(board, out var campaign) && campaign is not null && s.Campaigns.Contains(campaign))
            || (BoardIds.TryParseDepartment(board, out var department) && s.Departments.Contains(department!));
        if (!exists) throw AlignException.Invalid($"Board '{board}' does not exist in this organization; boards are {BoardIds.Rule}.");
        var now = clock.GetUtcNow();
        if (expiresAt is { } at && at <= now) throw AlignException.Invalid("expiresAt must be in the future.");

        // Checked in this grain's turn, which revoking keys and removing people also take.
        string by;
        if (issuer.KeyHash is { } keyHash)
        {
            var key = s.ApiKeys.Find(k => k.Hash == keyHash)?.Record;
            if (key is not { Revoked: false } || !key.Scopes.Contains(Scopes.Admin)) return null;
            by = "key " + key.KeyId;
        }
        else
        {
            if (issuer.Email is null || issuer.SessionId is null) return null;
            var person = await Membership(issuer.Email).ValidateSessionAsync(issuer.SessionId);
            if (person is null || !Access.Allows(Grant.ForRole(person.Role, person.Departments), AlignAction.ManageBoardLinks, BoardLinkScope.DepartmentsOf(board))) return null;
            by = person.Email;
        }
        var link = new StoredKey(linkHash, new ApiKeyRecord(OrgId, linkHash[..12], name, Array.Empty<string>(), now, false, board, expiresAt, by));
        await GrainFactory.GetGrain<IApiKeyGrain>(linkHash).RegisterAsync(link.Record);
        await ChangeAsync(c => c.BoardLinks.Add(link));
        logger.LogInformation("Board link {LinkId} for {Board} of {OrgId} created by {By}", link.Record.KeyId, board, OrgId, by);
        return link.Record;
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListBoardLinksAsync() =>
        Task.FromResult<IReadOnlyList<ApiKeyRecord>>([.. Existing.BoardLinks.Select(k => k.Record)]);

    public async Task RevokeBoardLinkAsync(string linkId)
    {
        var s = Existing;
        var index = s.BoardLinks.FindIndex(k => k.Record.KeyId == linkId);
        if (index < 0) throw AlignException.NotFound($"Board link '{linkId}' does not exist.");
        var link = s.BoardLinks[index];
        await GrainFactory.GetGrain<IApiKeyGrain>(link.Hash).RevokeAsync();
        await ChangeAsync(c => c.BoardLinks[index] = link with { Record = link.Record with { Revoked = true } });
    }

    public Task<OrganizationRateLimits> GetRateLimitsAsync() => Task.FromResult(state.State.RateLimits ?? OrganizationRateLimits.Defaults);

    public async Task<OrganizationRateLimits> SetRateLimitsAsync(OrganizationRateLimits limits)
    {
        _ = Existing;
        var invalid = limits.OutOfRange().ToList();
        if (invalid.Count > 0) throw AlignException.Invalid($"Rate limits must be between 1 and {OrganizationRateLimits.MaxValue:N0}: {string.Join(", ", invalid)}.");
        await ChangeAsync(s => s.RateLimits = limits);
        return limits;
    }

    // The id is a short prefix of the hash: enough to name the key in a list, useless to forge it.
    // Scopes as a plain array: a collection expression's compiler-made list type cannot be read back by
    // a JSON grain storage serializer (the memory provider's), which names the concrete type it wrote.
    private StoredKey NewKey(string name, IReadOnlyList<string> scopes, string hash, DateTimeOffset now) =>
        new(hash, new ApiKeyRecord(OrgId, hash[..12], name, scopes.ToArray(), now));

    /// <summary>A scope of a goal or a rule names only departments and campaigns the organization has.</summary>
    private void RequireScope(GoalScope scope)
    {
        RequireDepartments(scope.Departments);
        var unknown = scope.Campaigns.Where(c => !state.State.Campaigns.Contains(c)).ToList();
        if (unknown.Count > 0) throw AlignException.Invalid($"Unknown campaign(s): {string.Join(", ", unknown)}.");
    }

    private void RequireDepartments(IEnumerable<string> ids)
    {
        var unknown = ids.Where(id => !state.State.Departments.Contains(id)).ToList();
        if (unknown.Count > 0) throw AlignException.Invalid($"Unknown department(s): {string.Join(", ", unknown)}.");
    }

    /// <summary>
    /// Saves the change under a new routing version, then tells the ingest log. The change stands even
    /// if that call fails: the log polls the version and fetches what it missed.
    /// </summary>
    private async Task SaveAndRouteAsync(Action<OrganizationState> change)
    {
        await ChangeAsync(c =>
        {
            change(c);
            c.RoutingVersion++;
        });
        try
        {
            await GrainFactory.GetGrain<IIngestLogGrain>(OrgId).RoutingChangedAsync(Routing());
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Telling the ingest log of {OrgId} about routing version {Version} failed; it will fetch it itself", OrgId, state.State.RoutingVersion);
        }
    }
}
