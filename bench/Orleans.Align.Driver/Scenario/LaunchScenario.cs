using Orleans.Align.Driver.Api;

namespace Orleans.Align.Driver.Scenario;

/// <summary>
/// The seed articles' example: a sustainable athletic-wear line launch, where marketing, PR and sales
/// share goals on one war room board. Ids are the contract between what is seeded and the events
/// <see cref="LaunchEventGenerator"/> sends, so both read them from here.
/// </summary>
public static class LaunchScenario
{
    public const string OrganizationName = "Northwind Activewear";

    public const string Marketing = "marketing";
    public const string PublicRelations = "pr";
    public const string Sales = "sales";

    public const string CampaignId = "eco-launch";

    public static readonly IReadOnlyList<Department> Departments =
    [
        new(Marketing, "Marketing"),
        new(PublicRelations, "PR"),
        new(Sales, "Sales"),
    ];

    /// <summary>
    /// The demo's people: a lead for each department, a viewer, and an admin to try the admin settings with
    /// (people and roles, keys, SSO, board links, thresholds) (emails on the reserved example.com domain).
    /// </summary>
    public static readonly IReadOnlyList<(string Email, string Name, string Role, IReadOnlyList<string> Departments)> People =
    [
        ("maya.marketing@example.com", "Maya (marketing lead)", "lead", [Marketing]),
        ("priya.pr@example.com", "Priya (PR lead)", "lead", [PublicRelations]),
        ("sam.sales@example.com", "Sam (sales lead)", "lead", [Sales]),
        ("vic.viewer@example.com", "Vic (viewer)", "viewer", []),
        ("alex.admin@example.com", "Alex (admin)", "admin", []),
    ];

    public static readonly Campaign Campaign = new(CampaignId, "EcoMotion activewear launch", [Marketing, PublicRelations, Sales]);

    public static string WarRoomBoard => "campaign:" + CampaignId;

    public const string OverviewBoard = "overview";

    /// <summary>
    /// The launch's goals, running from a day ago (so the first events count at once) for thirty days.
    /// Every goal but revenue belongs to the campaign and shows in its war room; revenue is counted
    /// across the whole organization and shows on the overview.
    /// </summary>
    public static IReadOnlyList<GoalDefinition> Goals(DateTimeOffset now)
    {
        var start = now.AddDays(-1);
        var end = now.AddDays(30);
        var launch = new GoalScope(Campaign: CampaignId);
        return
        [
            new("launch-leads", "Launch leads", Metrics.Leads, 2_000, [Marketing, Sales], launch, start, end),
            new("launch-visits", "Launch site visits", Metrics.Visits, 60_000, [Marketing], launch, start, end),
            new("media-mentions", "Media mentions", Metrics.MediaMentions, 150, [PublicRelations, Marketing], launch, start, end),
            new("launch-orders", "Launch orders", Metrics.Orders, 800, [Sales, Marketing], launch, start, end),
            new("social-engagements", "Social engagements", Metrics.Engagements, 25_000, [Marketing, PublicRelations], launch, start, end),
            new("q4-revenue", "Q4 revenue", Metrics.Revenue, 250_000, [Sales], GoalScope.All, start, end),
        ];
    }

    /// <summary>PR alerts sales to coverage: media mentions of the launch doubling within an hour tell sales to expect inquiries.</summary>
    public static readonly TriggerRule CoverageLanding = new("coverage-landing", "Coverage is landing", Metrics.MediaMentions,
        new GoalScope(Campaign: CampaignId), "risesBy", 100, 60, [Sales], "PR alerts sales to coverage: expect inquiries");

    public const string PressBriefing = "press-briefing";
    public const string BeachCleanup = "beach-cleanup";
    public const string Hashtag = "hashtag";
    public const string InfluencerPosts = "influencer-posts";
    public const string Bundle = "bundle";

    /// <summary>What each department does in the launch, with targets over the same thirty days as the goals.</summary>
    public static IReadOnlyList<CampaignActivity> Activities(DateTimeOffset now)
    {
        var (start, end) = (now.AddDays(-1), now.AddDays(30));
        return
        [
            new(PressBriefing, PublicRelations, "Press briefing and media tour", [Metrics.MediaMentions, Metrics.Engagements],
                [new(Metrics.MediaMentions, 120, start, end)]),
            new(BeachCleanup, PublicRelations, "Beach clean-up event", [Metrics.Engagements, Metrics.MediaMentions],
                [new(Metrics.Engagements, 4_000, start, end)]),
            new(Hashtag, Marketing, "#MoveGreen hashtag campaign", [Metrics.Engagements, Metrics.Visits, Metrics.Leads],
                [new(Metrics.Engagements, 20_000, start, end), new(Metrics.Visits, 50_000, start, end)]),
            new(InfluencerPosts, Marketing, "Influencer posts", [Metrics.Engagements, Metrics.Visits],
                [new(Metrics.Engagements, 8_000, start, end), new(Metrics.Visits, 15_000, start, end)]),
            new(Bundle, Sales, "Bundle promotion", [Metrics.Orders, Metrics.Leads],
                [new(Metrics.Orders, 700, start, end)]),
        ];
    }

    public static class Metrics
    {
        public const string Leads = "leads";
        public const string Visits = "visits";
        public const string MediaMentions = "media_mentions";
        public const string Orders = "orders";
        public const string Engagements = "engagements";
        public const string Revenue = "revenue";
    }
}
