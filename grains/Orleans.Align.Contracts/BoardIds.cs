namespace Orleans.Align;

/// <summary>Board ids name live views inside one organization: <c>overview</c> or <c>campaign:{id}</c>.</summary>
public static class BoardIds
{
    public const string Overview = "overview";
    private const string CampaignPrefix = "campaign:";

    public static string ForCampaign(string campaignId) => CampaignPrefix + campaignId;

    public static bool TryParse(string? boardId, out string? campaignId)
    {
        campaignId = null;
        if (boardId == Overview) return true;
        if (boardId is not null && boardId.StartsWith(CampaignPrefix, StringComparison.Ordinal))
        {
            var id = boardId[CampaignPrefix.Length..];
            if (Identifiers.IsValid(id))
            {
                campaignId = id;
                return true;
            }
        }
        return false;
    }

    /// <summary>The boards a goal appears on: every goal on the overview, campaign goals in their war room too.</summary>
    public static IReadOnlyList<string> For(GoalDefinition goal) => [Overview, .. goal.Scope.Campaigns.Select(ForCampaign)];

    /// <summary>The boards a feed entry appears on: the overview, and the war rooms of the campaigns it names.</summary>
    public static IReadOnlyList<string> For(FeedEntry entry) => [Overview, .. (entry.Campaigns ?? []).Select(ForCampaign)];
}
