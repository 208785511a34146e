using System.Security.Cryptography;
using System.Text;
using Orleans.Align.Grains;

namespace Orleans.Align.Tests.Cluster;

/// <summary>
/// A fresh tenant for one test: departments marketing, sales and pr; campaigns <see cref="Launch"/>
/// (marketing and pr) and <see cref="SpringSale"/> (sales). Goals are left to each test.
/// </summary>
public sealed class TestOrganization
{
    public const string Marketing = "marketing";
    public const string Sales = "sales";
    public const string Pr = "pr";
    public const string Launch = "launch";
    public const string SpringSale = "spring-sale";

    /// <summary>Goals cover 2025; events default to the middle of it.</summary>
    public static readonly DateTimeOffset PeriodStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset PeriodEnd = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset InPeriod = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly IClusterClient _client;

    private TestOrganization(IClusterClient client, string id)
    {
        _client = client;
        Id = id;
    }

    public string Id { get; }

    public IOrganizationGrain Grain => _client.GetGrain<IOrganizationGrain>(Id);

    public IIngestLogGrain Log => _client.GetGrain<IIngestLogGrain>(Id);

    public static async Task<TestOrganization> CreateAsync(IClusterClient client, string? id = null)
    {
        var org = new TestOrganization(client, id ?? NewId());
        await org.Grain.CreateAsync($"Test {org.Id}", KeyHash(org.Id));
        await org.Grain.AddDepartmentAsync(new Department(Marketing, "Marketing"));
        await org.Grain.AddDepartmentAsync(new Department(Sales, "Sales"));
        await org.Grain.AddDepartmentAsync(new Department(Pr, "PR"));
        await org.Grain.AddCampaignAsync(new Campaign(Launch, "Launch", [Marketing, Pr]));
        await org.Grain.AddCampaignAsync(new Campaign(SpringSale, "Spring sale", [Sales]));
        return org;
    }

    /// <summary>
    /// Raises alerts the moment their condition holds, with no hold time: for tests about what raises
    /// an alert rather than how long it must hold (the default hold is minutes of real time).
    /// </summary>
    public Task RaiseAlertsAtOnceAsync() => Grain.UpdateSettingsAsync(AlignmentSettings.Default with { AlertHoldMinutes = 0 });

    public static string NewId() => $"t-{Guid.NewGuid():N}"[..14];

    public IGoalGrain Goal(string goalId) => _client.GetGrain<IGoalGrain>(GrainKeys.For(Id, goalId));

    public ICampaignGrain Campaign(string campaignId) => _client.GetGrain<ICampaignGrain>(GrainKeys.For(Id, campaignId));

    public IRuleGrain Rule(string ruleId) => _client.GetGrain<IRuleGrain>(GrainKeys.For(Id, ruleId));

    public IDepartmentGrain Department(string departmentId) => _client.GetGrain<IDepartmentGrain>(GrainKeys.For(Id, departmentId));

    /// <summary>Waits until the campaign has applied the log through <paramref name="sequence"/> (as <see cref="AppliedThroughAsync"/> for goals).</summary>
    public async Task<CampaignView> CampaignThroughAsync(string campaignId, long sequence)
    {
        CampaignView? view = null;
        await Eventually.Holds(async () =>
        {
            view = await Campaign(campaignId).GetViewAsync();
            Assert.NotNull(view);
            Assert.True(view.AppliedThrough >= sequence, $"Campaign '{campaignId}' has applied through {view.AppliedThrough}, waiting for {sequence}.");
        });
        return view!;
    }

    /// <summary>Waits until the department has applied the log through <paramref name="sequence"/>.</summary>
    public async Task<DepartmentScorecard> ScorecardThroughAsync(string departmentId, long sequence)
    {
        DepartmentScorecard? view = null;
        await Eventually.Holds(async () =>
        {
            view = await Department(departmentId).GetScorecardAsync();
            Assert.NotNull(view);
            Assert.True(view.AppliedThrough >= sequence, $"Department '{departmentId}' has applied through {view.AppliedThrough}, waiting for {sequence}.");
        });
        return view!;
    }

    public IBoardGrain Board(string boardId) => _client.GetGrain<IBoardGrain>(GrainKeys.For(Id, boardId));

    /// <summary>The organization's shared feed: check-ins, announcements, status changes and alerts.</summary>
    public IFeedGrain Feed => _client.GetGrain<IFeedGrain>(Id);

    public IReviewGrain Review(string reviewId) => _client.GetGrain<IReviewGrain>(GrainKeys.For(Id, reviewId));

    public Task<GoalView> CreateGoalAsync(string goalId, string metric, GoalScope? scope = null, double target = 100) =>
        Grain.CreateGoalAsync(Definition(goalId, metric, scope, target));

    public static GoalDefinition Definition(string goalId, string metric, GoalScope? scope = null, double target = 100) =>
        new(goalId, $"Goal {goalId}", metric, target, [Marketing], scope ?? GoalScope.All, PeriodStart, PeriodEnd);

    public Task<IngestResult> IngestAsync(params MetricEvent[] events) => Log.AppendAsync(events);

    public static MetricEvent Event(string id, string metric, double value, string? campaign = null, string? department = null, DateTimeOffset? at = null) =>
        new(id, metric, value, at ?? InPeriod, campaign, department);

    /// <summary>
    /// Waits until the goal has applied the log through <paramref name="sequence"/>. Delivery runs
    /// after the acknowledgement, in sequence order, so a goal that has applied an event it counts
    /// has applied (or skipped) everything before it: put an event the goal counts last in a batch
    /// and this is the point where the goal's numbers are final.
    /// </summary>
    public async Task<GoalView> AppliedThroughAsync(string goalId, long sequence)
    {
        GoalView? view = null;
        await Eventually.Holds(async () =>
        {
            view = await Goal(goalId).GetAsync();
            Assert.NotNull(view);
            Assert.True(view.AppliedThrough >= sequence, $"Goal '{goalId}' has applied through {view.AppliedThrough}, waiting for {sequence}.");
        });
        return view!;
    }

    // Organizations register their first admin key by its hash, and key hashes are global: each test org gets its own.
    private static string KeyHash(string orgId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{orgId}:{Guid.NewGuid()}")));
}
