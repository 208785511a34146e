using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>An organization (tenant). Key: the organization id. Owns the catalogue of departments, campaigns, goals and keys.</summary>
[Alias("align.IOrganizationGrain")]
public interface IOrganizationGrain : IGrainWithStringKey
{
    /// <summary>Creates the organization and its first admin key. Throws Conflict when it exists.</summary>
    [Alias("Create")]
    Task<OrganizationInfo> CreateAsync(string name, string adminKeyHash);

    /// <summary>Read-only, and interleaved so that grains the organization is calling can ask it back.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<OrganizationInfo?> GetAsync();

    [Alias("AddDepartment")]
    Task<Department> AddDepartmentAsync(Department department);

    /// <summary>Renames a department (NotFound for an unknown one); its board and scorecard show the new name.</summary>
    [Alias("RenameDepartment")]
    Task<Department> RenameDepartmentAsync(string departmentId, string name);

    /// <summary>Every department, archived ones included (each says whether it is).</summary>
    [Alias("ListDepartments")]
    Task<IReadOnlyList<Department>> ListDepartmentsAsync();

    /// <summary>
    /// Archives (or restores) a department: it leaves the lists, keeps its scorecard, board, goals and
    /// history, and events naming it are still accepted and counted, so a restore is exact. Archiving an
    /// archived one (restoring a restored one) changes nothing. NotFound for an unknown department.
    /// </summary>
    [Alias("SetDepartmentArchived")]
    Task<DepartmentScorecard> SetDepartmentArchivedAsync(string departmentId, bool archived);

    [Alias("AddCampaign")]
    Task<Campaign> AddCampaignAsync(Campaign campaign);

    /// <summary>
    /// Changes a campaign's name, departments and launch window (its id and activities stay). NotFound
    /// for an unknown campaign; Invalid for an unknown department, or a target that would be left
    /// without a period; Conflict when a department left out is in charge of one of its activities
    /// (the message names them). The results are recomputed from the log.
    /// </summary>
    [Alias("ChangeCampaign")]
    Task<CampaignView> ChangeCampaignAsync(string campaignId, string name, IReadOnlyList<string> departments, DateTimeOffset? launchStart, DateTimeOffset? launchEnd);

    /// <summary>
    /// Archives (or restores) a campaign: it leaves the lists, keeps its results, war room and history,
    /// and events naming it or its activities are still accepted and counted, so a restore is exact.
    /// Its goals are not archived with it. Idempotent both ways. NotFound for an unknown campaign.
    /// </summary>
    [Alias("SetCampaignArchived")]
    Task<CampaignView> SetCampaignArchivedAsync(string campaignId, bool archived);

    /// <summary>Every campaign, archived ones included (each says whether it is).</summary>
    [Alias("ListCampaigns")]
    Task<IReadOnlyList<Campaign>> ListCampaignsAsync();

    /// <summary>
    /// Adds the activity to the campaign, or replaces the one with its id (while the campaign runs).
    /// Throws NotFound for an unknown campaign, Invalid for a department outside the campaign or an
    /// unknown metric.
    /// </summary>
    [Alias("SetActivity")]
    Task<CampaignView> SetActivityAsync(string campaignId, CampaignActivity activity);

    [Alias("CreateGoal")]
    Task<GoalView> CreateGoalAsync(GoalDefinition goal);

    /// <summary>
    /// Replaces a goal's definition (validated as on creation; NotFound for an unknown goal; Invalid for
    /// a changed roll-up or a parent that would make a cycle), recorded as changed by <paramref name="by"/>.
    /// A changed counting rule (metric, scope, period, reset) is a new counting revision: routed by a new
    /// cursor and recomputed from the log. The same definition again changes nothing.
    /// </summary>
    [Alias("UpdateGoal")]
    Task<GoalView> UpdateGoalAsync(GoalDefinition goal, AuditActor by);

    /// <summary>
    /// Archives (or restores) a goal: a change of its definition like any other (recorded with who and
    /// when), after which it is not routed, leaves its boards, scorecards and parent's roll-up, and takes
    /// no check-ins; restoring routes it again and it catches up from the log. Archiving an archived goal
    /// (restoring a restored one) changes nothing. NotFound for an unknown goal.
    /// </summary>
    [Alias("SetGoalArchived")]
    Task<GoalView> SetGoalArchivedAsync(string goalId, bool archived, AuditActor by);

    /// <summary>The archived goals (<see cref="ListGoalsAsync"/> lists the others).</summary>
    [Alias("ListArchivedGoals")]
    Task<IReadOnlyList<GoalView>> ListArchivedGoalsAsync();

    /// <summary>Interleaved: a goal that lost its snapshot asks for its definition while activating.</summary>
    [Alias("GetGoalDefinition"), AlwaysInterleave]
    Task<GoalDefinition?> GetGoalDefinitionAsync(string goalId);

    /// <summary>
    /// Creates a trigger rule (the same definition again is answered as created; a different one under
    /// its id is a Conflict). Invalid for an unknown metric, department or campaign.
    /// </summary>
    [Alias("CreateRule")]
    Task<RuleView> CreateRuleAsync(TriggerRule rule);

    /// <summary>Changes a rule: a new revision that reads the log afresh; the old one's open alert is resolved. NotFound for an unknown rule.</summary>
    [Alias("UpdateRule")]
    Task<RuleView> UpdateRuleAsync(TriggerRule rule);

    /// <summary>Deletes a rule; its open alert is resolved. NotFound for an unknown rule.</summary>
    [Alias("DeleteRule")]
    Task DeleteRuleAsync(string ruleId);

    /// <summary>The organization's rule as it stands; null when it has none under that id.</summary>
    [Alias("GetRule")]
    Task<RuleView?> GetRuleAsync(string ruleId);

    /// <summary>The organization's rules, then each goal's trend rule.</summary>
    [Alias("ListRules")]
    Task<IReadOnlyList<RuleView>> ListRulesAsync();

    /// <summary>Interleaved: a rule that lost its definition asks for it while activating.</summary>
    [Alias("GetRuleDefinition"), AlwaysInterleave]
    Task<TriggerRule?> GetRuleDefinitionAsync(string ruleId);

    [Alias("ListGoals")]
    Task<IReadOnlyList<GoalView>> ListGoalsAsync();

    /// <summary>Interleaved: the ingest log asks for it while activating, possibly inside a call from this organization.</summary>
    [Alias("GetRouting"), AlwaysInterleave]
    Task<OrganizationRouting> GetRoutingAsync();

    /// <summary>Cheap and interleaved: the ingest log polls it to notice a routing change it was not told about.</summary>
    [Alias("GetRoutingVersion"), AlwaysInterleave]
    Task<long> GetRoutingVersionAsync();

    [Alias("GetSettings"), AlwaysInterleave]
    Task<AlignmentSettings> GetSettingsAsync();

    [Alias("UpdateSettings")]
    Task<AlignmentSettings> UpdateSettingsAsync(AlignmentSettings settings);

    [Alias("ListMetrics"), AlwaysInterleave]
    Task<IReadOnlyList<MetricDefinition>> ListMetricsAsync();

    [Alias("AddMetric")]
    Task<MetricDefinition> AddMetricAsync(MetricDefinition metric);

    [Alias("AddReview")]
    Task<Review> AddReviewAsync(string reviewId, string name);

    [Alias("ListReviews")]
    Task<IReadOnlyList<string>> ListReviewsAsync();

    /// <summary>
    /// Registers a new key on behalf of the admin key whose hash is <paramref name="issuerKeyHash"/>, or
    /// returns null when that key is not an unrevoked admin key of this organization. The issuer is
    /// checked here, in the grain that also revokes keys, so the two calls never interleave: a key
    /// revoked a moment ago cannot mint another one.
    /// </summary>
    [Alias("IssueApiKey")]
    Task<ApiKeyRecord?> IssueApiKeyAsync(string name, IReadOnlyList<string> scopes, string keyHash, string issuerKeyHash);

    /// <summary>
    /// Like <see cref="IssueApiKeyAsync"/>, on behalf of a person: the session must be open on an
    /// active admin membership of this organization, checked here for the same reason.
    /// </summary>
    [Alias("IssueApiKeyForPerson")]
    Task<ApiKeyRecord?> IssueApiKeyForPersonAsync(string name, IReadOnlyList<string> scopes, string keyHash, string email, string sessionId);

    /// <summary>
    /// Adds a person with a role (and departments for leads and members): creates the account when it
    /// does not exist (no password; <paramref name="setPasswordTokenHash"/> lets the person set one until
    /// <paramref name="tokenExpiresAt"/>) and grants the membership. Invalid for an unknown role or
    /// department, Conflict when the person is already a member.
    /// </summary>
    [Alias("AddPerson")]
    Task<PersonAdded> AddPersonAsync(string email, string displayName, string role, IReadOnlyList<string> departments, string setPasswordTokenHash, DateTimeOffset tokenExpiresAt);

    [Alias("ListPeople")]
    Task<IReadOnlyList<Membership>> ListPeopleAsync();

    /// <summary>
    /// Changes a member's role and departments in place (validated as <see cref="AddPersonAsync"/>); the
    /// person's open sessions stay open and follow the new role on every gateway within a second.
    /// NotFound when the person is not a member; Conflict when it would leave the organization without
    /// an admin.
    /// </summary>
    [Alias("ChangePerson")]
    Task<PersonChanged> ChangePersonAsync(string email, string role, IReadOnlyList<string> departments);

    /// <summary>
    /// Revokes the person's membership (ending its sessions everywhere); NotFound when the person is not
    /// a member, Conflict when the person is the organization's last admin.
    /// </summary>
    [Alias("RemovePerson")]
    Task RemovePersonAsync(string email);

    /// <summary>
    /// Registers a wall-screen board link for <paramref name="board"/> (which must exist in this
    /// organization: Invalid otherwise) on behalf of <paramref name="issuer"/>, or returns null when the
    /// issuer is not (any more) an unrevoked admin key, or an open session of an admin, or of a lead who
    /// may link that board (<see cref="AlignAction.ManageBoardLinks"/>). Checked here, where keys are revoked.
    /// </summary>
    [Alias("IssueBoardLink")]
    Task<ApiKeyRecord?> IssueBoardLinkAsync(string name, string board, DateTimeOffset? expiresAt, string linkHash, BoardLinkIssuer issuer);

    [Alias("ListBoardLinks")]
    Task<IReadOnlyList<ApiKeyRecord>> ListBoardLinksAsync();

    /// <summary>Revokes a board link (announced on the revocation feed like a key); NotFound when it does not exist.</summary>
    [Alias("RevokeBoardLink")]
    Task RevokeBoardLinkAsync(string linkId);

    [Alias("ListApiKeys")]
    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync();

    [Alias("RevokeApiKey")]
    Task RevokeApiKeyAsync(string keyId);

    /// <summary>
    /// The limits the platform operator set for this organization (all null when none, or when the
    /// organization does not exist). Read-only and interleaved: every gateway reads it every few seconds.
    /// </summary>
    [Alias("GetRateLimits"), AlwaysInterleave]
    Task<OrganizationRateLimits> GetRateLimitsAsync();

    /// <summary>Replaces the organization's limits (null values: the gateways' defaults). Throws NotFound when it does not exist.</summary>
    [Alias("SetRateLimits")]
    Task<OrganizationRateLimits> SetRateLimitsAsync(OrganizationRateLimits limits);
}

/// <summary>A shared feed of one organization: check-ins, announcements, status changes, alerts. Key: the organization id.</summary>
[Alias("align.IFeedGrain")]
public interface IFeedGrain : IGrainWithStringKey
{
    /// <summary>
    /// Numbers and stamps the entry, keeps it, and puts it on the boards it concerns. An alert starts
    /// open. An entry with a <see cref="FeedEntry.Key"/> the feed already keeps is not posted again:
    /// the kept entry is returned.
    /// </summary>
    [Alias("Post")]
    Task<FeedEntry> PostAsync(FeedEntry draft);

    /// <summary>
    /// Marks an open alert acknowledged by <paramref name="by"/> and shows it on its boards. Returns
    /// null when the feed keeps no entry <paramref name="id"/>; an alert already acknowledged stays as
    /// it was (the first acknowledgement stands). Throws Conflict for a resolved alert or an entry that
    /// is not an alert.
    /// </summary>
    [Alias("Acknowledge")]
    Task<FeedEntry?> AcknowledgeAsync(long id, string by, DateTimeOffset at);

    /// <summary>Resolves the alert posted with <paramref name="key"/>, if it is kept and not resolved yet. Idempotent.</summary>
    [Alias("Resolve")]
    Task ResolveAsync(string key, DateTimeOffset at);

    [Alias("List"), AlwaysInterleave]
    Task<IReadOnlyList<FeedEntry>> ListAsync(FeedQuery query);

    /// <summary>
    /// The feed's changes (entries posted, alerts acknowledged or resolved) after sequence number
    /// <paramref name="after"/>, oldest first, at most <paramref name="max"/>, each with its entry as it
    /// is now; what the outbox of the organization's subscriptions follows.
    /// </summary>
    [Alias("ChangesAfter"), AlwaysInterleave]
    Task<FeedUpdates> ChangesAfterAsync(long after, int max);

    /// <summary>The sequence number of the feed's latest change (0: none yet): where a new subscription starts.</summary>
    [Alias("LastChange"), AlwaysInterleave]
    Task<long> LastChangeAsync();
}

/// <summary>A frozen review of every goal. Key: <c>{org}/{review}</c>.</summary>
[Alias("align.IReviewGrain")]
public interface IReviewGrain : IGrainWithStringKey
{
    [Alias("Freeze")]
    Task<Review> FreezeAsync(string name, IReadOnlyList<GoalView> goals);

    [Alias("Get")]
    Task<Review?> GetAsync();
}
