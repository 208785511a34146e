namespace Orleans.Align;

/// <summary>Everything a credential can be asked to do in its organization, for <see cref="Access.Allows"/>.</summary>
public enum AlignAction
{
    /// <summary>Read anything of the organization and watch its boards.</summary>
    Read,
    /// <summary>Post metric events.</summary>
    IngestEvents,
    /// <summary>Check in on a goal as a department (the departments: the one checking in).</summary>
    CheckIn,
    /// <summary>Announce to other departments (the departments: the one it is from).</summary>
    Announce,
    /// <summary>Acknowledge an alert (the departments: the one acknowledging, or none).</summary>
    AcknowledgeAlert,
    /// <summary>Define a goal (the departments: its owners).</summary>
    DefineGoal,
    /// <summary>Add or change a campaign activity (the departments: the one in charge, before and after).</summary>
    EditActivity,
    /// <summary>Set a department's check-in cadence (the departments: that one).</summary>
    SetCheckInCadence,
    /// <summary>Departments, metrics, trigger rules, goal rebuilds (campaigns: <see cref="PlanCampaign"/>).</summary>
    ManageCatalogue,
    ManageSettings,
    ManageKeys,
    ManagePeople,
    /// <summary>
    /// Read one board's snapshot and watch it live (the board is checked by <see cref="Access.AllowsBoard"/>):
    /// all a wall-screen board link may do.
    /// </summary>
    WatchBoard,
    /// <summary>Create, list and revoke wall-screen board links (the departments: a department board's department, none for the overview or a war room).</summary>
    ManageBoardLinks,
    /// <summary>Read the organization's audit log (who did what and when): admins only.</summary>
    ReadAudit,
    /// <summary>
    /// Publish a review: freeze every goal of the organization to compare against later. Admins and
    /// leads (of any department: a review concerns no department, it snapshots them all).
    /// </summary>
    PublishReview,
    /// <summary>
    /// Create a campaign, change its definition, archive or restore it (the departments: the campaign's,
    /// and for a change both before and after it). Admins, and leads of at least one of those departments:
    /// a marketing lead plans an integrated campaign with PR and sales, but cannot take over (or drop out
    /// of) a campaign none of whose departments it leads.
    /// </summary>
    PlanCampaign,
    /// <summary>
    /// Webhook sources (inbound, with their secrets) and outbound subscriptions with their delivery logs: admins only,
    /// since a source's secret is a credential of the organization and a subscription sends its feed out of it.
    /// </summary>
    ManageIntegrations,
}

/// <summary>
/// What one credential holds, whatever it is: an API key's scopes or a person's role in one
/// organization, brought to the same terms so that one rule (<see cref="Access.Allows"/>) decides for both.
/// </summary>
public sealed record Grant(bool Admin, bool Ingest, bool Read, IReadOnlySet<string> LeadOf, IReadOnlySet<string> MemberOf, string? Board = null)
{
    private static readonly IReadOnlySet<string> None = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>A wall-screen board link: it reads and watches <paramref name="boardId"/>, and nothing else.</summary>
    public static Grant ForBoardLink(string boardId) => new(false, false, false, None, None, boardId);

    /// <summary>An API key: admin is everything, ingest posts events (and check-ins, announcements and acknowledgements for any department, as tools do), read reads.</summary>
    public static Grant ForScopes(IEnumerable<string> scopes)
    {
        var set = scopes.ToHashSet(StringComparer.Ordinal);
        return new Grant(set.Contains(Scopes.Admin), set.Contains(Scopes.Ingest), set.Contains(Scopes.Read), None, None);
    }

    /// <summary>
    /// A person: an admin may do everything; a lead leads and is a member of its departments; a member
    /// acts as its departments; everyone with a role reads the whole organization. An unknown role grants nothing.
    /// </summary>
    public static Grant ForRole(string role, IEnumerable<string> departments)
    {
        var set = departments.ToHashSet(StringComparer.Ordinal);
        return role switch
        {
            PersonRoles.Admin => new Grant(true, false, true, None, None),
            PersonRoles.Lead => new Grant(false, false, true, set, set),
            PersonRoles.Member => new Grant(false, false, true, None, set),
            PersonRoles.Viewer => new Grant(false, false, true, None, None),
            _ => new Grant(false, false, false, None, None),
        };
    }
}

/// <summary>
/// The authorization model: role (or scope) × action × departments → allowed. Pure, so it is tested
/// exhaustively on its own, and every endpoint and hub method asks it rather than a scope or a role.
/// </summary>
public static class Access
{
    /// <summary>
    /// True when <paramref name="grant"/> may do <paramref name="action"/> for <paramref name="departments"/>
    /// (the departments the action acts as or for; empty for actions that concern no department).
    /// </summary>
    public static bool Allows(Grant grant, AlignAction action, IReadOnlyCollection<string> departments)
    {
        if (grant.Admin) return true;
        // A board link reads its one board (checked by AllowsBoard), whatever else it is asked.
        if (grant.Board is not null) return action == AlignAction.WatchBoard;
        return action switch
        {
            AlignAction.Read => grant.Read,
            AlignAction.WatchBoard => grant.Read,
            // Leads make links for the overview, war rooms and the boards of departments they lead.
            AlignAction.ManageBoardLinks => grant.LeadOf.Count > 0 && departments.All(grant.LeadOf.Contains),
            AlignAction.IngestEvents => grant.Ingest,
            // Always FROM a department the person belongs to; tools posting with an ingest key speak for any.
            AlignAction.CheckIn or AlignAction.Announce => grant.Ingest || (departments.Count > 0 && departments.All(grant.MemberOf.Contains)),
            // Members acknowledge as one of their departments, or by their own name (no department).
            AlignAction.AcknowledgeAlert => grant.Ingest || (grant.MemberOf.Count > 0 && departments.All(grant.MemberOf.Contains)),
            AlignAction.PublishReview => grant.LeadOf.Count > 0,
            // A goal one of the lead's departments owns; it may be shared with other departments (a joint
            // goal), whose leads may then change it too.
            AlignAction.DefineGoal => departments.Count > 0 && departments.Any(grant.LeadOf.Contains),
            AlignAction.EditActivity or AlignAction.SetCheckInCadence =>
                departments.Count > 0 && departments.All(grant.LeadOf.Contains),
            // An integrated campaign spans departments: leading one of them is enough to plan it.
            AlignAction.PlanCampaign => departments.Count > 0 && departments.Any(grant.LeadOf.Contains),
            AlignAction.ManageCatalogue or AlignAction.ManageSettings or AlignAction.ManageKeys or AlignAction.ManagePeople or AlignAction.ReadAudit or AlignAction.ManageIntegrations => false,
            _ => false,
        };
    }

    /// <summary>
    /// True when <paramref name="grant"/> may read and watch the board <paramref name="boardId"/>: whoever
    /// reads the organization may watch any of its boards; a board link only its own.
    /// </summary>
    public static bool AllowsBoard(Grant grant, string boardId) =>
        Allows(grant, AlignAction.WatchBoard, []) && (grant.Board is null || string.Equals(grant.Board, boardId, StringComparison.Ordinal));

    /// <summary>
    /// True when the action could be allowed for some departments: the coarse check an endpoint makes
    /// before it reads the body, so that a viewer is refused a check-in whatever it names.
    /// </summary>
    public static bool MayAllow(Grant grant, AlignAction action) =>
        Allows(grant, action, []) || grant.LeadOf.Concat(grant.MemberOf).Any(d => Allows(grant, action, [d]));
}
