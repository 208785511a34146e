namespace Orleans.Align;

/// <summary>
/// Board ids name live views inside one organization: <c>overview</c>, <c>campaign:{id}</c> (a war
/// room) or <c>department:{id}</c> (a department's scorecard).
/// </summary>
public static class BoardIds
{
    public const string Overview = "overview";
    private const string CampaignPrefix = "campaign:";
    private const string DepartmentPrefix = "department:";
    public const string Rule = "'overview', 'campaign:{id}' or 'department:{id}'";

    public static string ForCampaign(string campaignId) => CampaignPrefix + campaignId;

    public static string ForDepartment(string departmentId) => DepartmentPrefix + departmentId;

    /// <summary>The overview (campaign null) or a war room. Department boards are not matched: see <see cref="IsValid"/>.</summary>
    public static bool TryParse(string? boardId, out string? campaignId)
    {
        campaignId = null;
        if (boardId == Overview) return true;
        return TryParsePrefixed(boardId, CampaignPrefix, out campaignId);
    }

    public static bool TryParseDepartment(string? boardId, out string? departmentId) => TryParsePrefixed(boardId, DepartmentPrefix, out departmentId);

    /// <summary>Any board id of the three kinds.</summary>
    public static bool IsValid(string? boardId) => TryParse(boardId, out _) || TryParseDepartment(boardId, out _);

    private static bool TryParsePrefixed(string? boardId, string prefix, out string? id)
    {
        id = null;
        if (boardId is null || !boardId.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var candidate = boardId[prefix.Length..];
        if (!Identifiers.IsValid(candidate)) return false;
        id = candidate;
        return true;
    }

    /// <summary>
    /// The boards a goal appears on: every goal on the overview, campaign goals in their war room too,
    /// and each goal on the scorecard boards of the departments that own it.
    /// </summary>
    public static IReadOnlyList<string> For(GoalDefinition goal) =>
        [Overview, .. goal.Scope.Campaigns.Select(ForCampaign), .. goal.Owners.Select(ForDepartment)];

    /// <summary>
    /// The boards a feed entry appears on: the overview, the war rooms of the campaigns it names, and
    /// the boards of the departments it is from or addressed to (the same entries the feed lists for
    /// that department: <c>GET /api/v1/feed?department=</c>).
    /// </summary>
    public static IReadOnlyList<string> For(FeedEntry entry) =>
    [
        Overview, .. (entry.Campaigns ?? []).Select(ForCampaign),
        .. (entry.Department is { } from ? [from] : Array.Empty<string>()).Concat(entry.To ?? []).Distinct(StringComparer.Ordinal).Select(ForDepartment),
    ];
}
