using Orleans.Align.Grains;
using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Scenario;

/// <summary>One reading an integration sends: a department's metric moved by a value, by one of the campaign's activities when it names one.</summary>
public sealed record Reading(string Department, string Metric, double Value, string? Activity = null);

/// <summary>
/// The war room of the eco line's launch day. The story moves the silo's clock, sends the readings
/// of the moment, and checks what the wall screen shows. Each step waits until every goal it moved
/// has applied its events, published to its parent and boards, and posted its alerts, so a check
/// sees the whole effect of the step and nothing of the next one.
/// </summary>
public sealed class LaunchDay
{
    public const string Campaign = "eco-launch";

    public const string Mentions = "media-mentions";
    public const string Engagements = "engagements";
    public const string Ctr = "ctr";
    public const string Orders = "orders";
    public const string Success = "launch-day-success";

    // The plan's activities, each department in charge of its own (the seed articles' example).
    public const string PressBriefing = "press-briefing";
    public const string BeachCleanup = "beach-cleanup";
    public const string HashtagCampaign = "hashtag";
    public const string InfluencerPosts = "influencer-posts";
    public const string BundlePromotion = "bundle";

    /// <summary>The organization's trigger rules: coverage landing tells sales, a crisis tells every department.</summary>
    public static readonly TriggerRule CoverageLanding = new("coverage-landing", "Coverage is landing", "media_mentions", GoalScope.Of(campaign: Campaign),
        RuleCondition.RisesBy, 100, 60, [Sales], "PR alerts sales to coverage: expect inquiries");
    public static readonly TriggerRule Crisis = new("crisis", "Crisis", "negative_mentions", GoalScope.Of(campaign: Campaign),
        RuleCondition.Above, 20, 60, [Marketing, Pr, Sales], "respond together");

    /// <summary>Tuesday 22 April 2025, midnight UTC; hours of the story count from here.</summary>
    public static readonly DateTimeOffset Day = new(2025, 4, 22, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Opening = Day.AddHours(7.5);
    public static readonly DateTimeOffset Start = Day.AddHours(8);
    public static readonly DateTimeOffset End = Start.AddDays(1);

    /// <summary>How much each child weighs in "Launch day success": the orders count double.</summary>
    public static readonly IReadOnlyDictionary<string, double> Weights = new Dictionary<string, double>
    {
        [Mentions] = 1,
        [Engagements] = 1,
        [Ctr] = 1,
        [Orders] = 2,
    };

    private readonly WarRoomFixture _fixture;
    private readonly TestOrganization _org;
    private IReadOnlyList<GoalDefinition> _routes = [];
    private long _alertsSeenThrough;

    private LaunchDay(WarRoomFixture fixture, TestOrganization org)
    {
        _fixture = fixture;
        _org = org;
    }

    public TestOrganization Organization => _org;

    public DateTimeOffset Now => _fixture.Clock.GetUtcNow();

    public IBoardGrain WarRoom => _org.Board(BoardIds.ForCampaign(Campaign));

    /// <summary>
    /// The plan agreed before the day: the campaign with each department's activity, the goals of a
    /// one-day period from 08:00, and "Launch day success" rolling them up.
    /// </summary>
    public static async Task<LaunchDay> OpenAsync(WarRoomFixture fixture)
    {
        var org = await TestOrganization.CreateAsync(fixture.Client);
        var day = new LaunchDay(fixture, org);
        // The story judges each hour when its readings arrive (the clock jumps an hour at a time), so
        // a change that lasts the hour is raised when it happens, with no hold.
        await org.Grain.UpdateSettingsAsync(AlignmentSettings.Default with { TrendWindowMinutes = 60, AlertHoldMinutes = 0 });
        // Targets over the launch window (the day), except the influencer posts, which go out from 15:00.
        await org.Grain.AddCampaignAsync(new Campaign(Campaign, "Eco line launch", [Marketing, Pr, Sales],
        [
            new CampaignActivity(PressBriefing, Pr, "Press briefing", ["media_mentions"], [new ActivityTarget("media_mentions", 40)]),
            new CampaignActivity(BeachCleanup, Pr, "Beach clean-up event", ["engagements", "media_mentions"], [new ActivityTarget("engagements", 2_000)]),
            new CampaignActivity(HashtagCampaign, Marketing, "#MoveGreen hashtag campaign", ["engagements", "impressions", "clicks", "ctr"],
                [new ActivityTarget("engagements", 15_000)]),
            new CampaignActivity(InfluencerPosts, Marketing, "Influencer posts", ["impressions", "clicks", "ctr"],
                [new ActivityTarget("clicks", 2_500, Start: Day.AddHours(15), End: End)]),
            new CampaignActivity(BundlePromotion, Sales, "Bundle promotion", ["orders", "revenue"], [new ActivityTarget("orders", 500)]),
        ], Start, End));

        var scope = GoalScope.Of(campaign: Campaign);
        await org.Grain.CreateGoalAsync(new GoalDefinition(Success, "Launch day success", "launch_day", 100, [Marketing, Pr, Sales], scope, Start, End, RollUp: RollUp.Children));
        await org.Grain.CreateGoalAsync(Child(Mentions, "Media mentions", "media_mentions", 40, [Pr], GoalKind.IncreaseTo));
        await org.Grain.CreateGoalAsync(Child(Engagements, "Engagements", "engagements", 20_000, [Marketing, Pr], GoalKind.IncreaseTo));
        await org.Grain.CreateGoalAsync(Child(Ctr, "Click-through rate", "ctr", 0.02, [Marketing], GoalKind.StayAbove));
        await org.Grain.CreateGoalAsync(Child(Orders, "Bundle orders", "orders", 500, [Sales, Marketing], GoalKind.IncreaseTo));
        // A custom metric the crisis rule watches, and the two rules the organization agreed on.
        await org.Grain.AddMetricAsync(new MetricDefinition("negative_mentions", "Negative mentions", MetricKind.Additive, "count", LowerIsBetter: true));
        await org.Grain.CreateRuleAsync(CoverageLanding);
        await org.Grain.CreateRuleAsync(Crisis);
        day._routes = (await org.Grain.GetRoutingAsync()).Goals;
        return day;

        GoalDefinition Child(string id, string title, string metric, double target, string[] owners, GoalKind kind) =>
            new(id, title, metric, target, owners, scope, Start, End, kind, ParentId: Success, Weight: Weights[id]);
    }

    // ---- What the departments do ----

    /// <summary>Coverage from the press briefing.</summary>
    public static Reading[] Coverage(double mentions) => [new(Pr, "media_mentions", mentions, PressBriefing)];

    public static Reading[] Hashtag(double engagements, double impressions, double clicks) =>
    [
        new(Marketing, "engagements", engagements, HashtagCampaign), new(Marketing, "impressions", impressions, HashtagCampaign),
        new(Marketing, "clicks", clicks, HashtagCampaign),
    ];

    /// <summary>PR's beach clean-up: people sharing it on social media.</summary>
    public static Reading[] Beach(double engagements) => [new(Pr, "engagements", engagements, BeachCleanup)];

    /// <summary>Marketing's influencer posts: their own impressions and clicks.</summary>
    public static Reading[] Influencers(double impressions, double clicks) =>
        [new(Marketing, "impressions", impressions, InfluencerPosts), new(Marketing, "clicks", clicks, InfluencerPosts)];

    /// <summary>Bundles sell at 120 each.</summary>
    /// <summary>Complaints in the press and on social media.</summary>
    public static Reading[] Backlash(double negativeMentions) => [new(Pr, "negative_mentions", negativeMentions)];

    public static Reading[] Bundles(double orders) =>
        [new(Sales, "orders", orders, BundlePromotion), new(Sales, "revenue", orders * 120, BundlePromotion)];

    /// <summary>Moves the clock to <paramref name="hour"/>:<paramref name="minute"/> of launch day (24 and on: the next day).</summary>
    public void ClockAt(int hour, int minute = 0) => _fixture.Clock.AdvanceTo(Day.AddHours(hour).AddMinutes(minute));

    /// <summary>Moves the clock, then sends the readings of that moment as one batch, stamped now.</summary>
    public async Task AtAsync(int hour, params Reading[][] readings)
    {
        ClockAt(hour);
        var events = readings.SelectMany(r => r)
            .Select(r => new MetricEvent($"{r.Department}-{r.Activity ?? "none"}-{r.Metric}-{Now:yyyyMMddHHmm}", r.Metric, r.Value, Now, Campaign, r.Department, Activity: r.Activity))
            .ToList();
        var result = await _org.IngestAsync([.. events]);
        Assert.Equal(events.Count, result.Accepted);

        var first = result.LastSequence - events.Count + 1;
        foreach (var goal in _routes)
        {
            var counted = events.Select((e, i) => (Event: e, Sequence: first + i)).Where(x => goal.Counts(x.Event)).ToList();
            if (counted.Count == 0) continue;
            await _org.AppliedThroughAsync(goal.Id, counted[^1].Sequence);
            await TurnFinishedAsync(goal.Id);
        }
        foreach (var rule in new[] { CoverageLanding, Crisis })
        {
            // As for goals: a rule is handed the events it counts, so it has applied the batch once it has applied its last such event.
            var counted = events.Select((e, i) => (Event: e, Sequence: first + i)).Where(x => rule.Counts(x.Event)).ToList();
            if (counted.Count == 0) continue;
            var grain = _org.Rule(rule.Id);
            await Eventually.Holds(async () => Assert.True((await grain.GetAsync())!.AppliedThrough >= counted[^1].Sequence));
            // Defining the same rule again is not interleaved: it answers once the rule's turn (judge, feed) is over.
            await grain.DefineAsync(rule);
        }
        // The campaign counts every event of the day; each department its own.
        await _org.CampaignThroughAsync(Campaign, result.LastSequence);
        foreach (var department in events.Select((e, i) => (e.Department!, Sequence: first + i)).GroupBy(x => x.Item1))
            await _org.ScorecardThroughAsync(department.Key, department.Max(x => x.Sequence));
    }

    /// <summary>Each activity's target as the war room shows it: (activity, value, status), in the campaign's order.</summary>
    public async Task<IReadOnlyList<(string Activity, double? Value, GoalStatus Status)>> ActivityTargetsAsync()
    {
        var campaign = (await _org.Campaign(Campaign).GetViewAsync())!;
        return [.. campaign.Activities.Select(a => (a.Id, Assert.Single(a.Targets).Value, Assert.Single(a.Targets).Status))];
    }

    public async Task<CampaignView> CampaignAsync() => (await _org.Campaign(Campaign).GetViewAsync())!;

    public async Task<DepartmentScorecard> ScorecardAsync(string department) => (await _org.Department(department).GetScorecardAsync())!;

    /// <summary>
    /// A goal is not reentrant and <see cref="IGoalGrain.WhenIdleAsync"/> is not interleaved, so it runs only
    /// once the goal's current turn (apply, publish to the parent and boards, post alerts) has finished.
    /// </summary>
    private Task TurnFinishedAsync(string goalId) => _org.Goal(goalId).WhenIdleAsync();

    public async Task<GoalView> CheckInAsync(string goalId, string department, int confidence, string note) =>
        await _org.Goal(goalId).CheckInAsync(new CheckIn(department, confidence, note, Now));

    /// <summary>An announcement from one department to others, in the war room.</summary>
    public Task<FeedEntry> AnnounceAsync(string from, string[] to, string text) =>
        _org.Feed.PostAsync(new FeedEntry(0, FeedKind.Announcement, Now, $"{from} → {string.Join(", ", to)}: {text}", from, to, [Campaign]));

    /// <summary>Sales feedback on a goal, posted as the gateway posts it: an announcement, and an alert of its own.</summary>
    public async Task SalesFeedbackAsync(string goalId, string[] to, string text)
    {
        var goal = await Goal(goalId);
        await _org.Feed.PostAsync(new FeedEntry(0, FeedKind.Announcement, Now, $"{Sales} → {string.Join(", ", to)}: {text}", Sales, to, [Campaign], goalId, SalesFeedback: true));
        await _org.Feed.PostAsync(new FeedEntry(0, FeedKind.Alert, Now, $"Sales feedback on \"{goal.Title}\": {text}", Sales, to, [Campaign], goalId, SalesFeedback: true, Reason: AlertReasons.SalesFeedback));
    }

    // ---- What the wall screen shows ----

    public async Task<GoalView> Goal(string goalId) => (await _org.Goal(goalId).GetAsync()) ?? throw new InvalidOperationException($"No goal '{goalId}'.");

    public async Task StatusesAreAsync(GoalStatus mentions, GoalStatus engagements, GoalStatus ctr, GoalStatus orders, GoalStatus launchDay)
    {
        (string Id, GoalStatus Status)[] expected = [(Mentions, mentions), (Engagements, engagements), (Ctr, ctr), (Orders, orders), (Success, launchDay)];
        var actual = new List<(string, GoalStatus)>();
        foreach (var (id, _) in expected) actual.Add((id, (await Goal(id)).Status));
        Shows("statuses", Describe(expected), Describe(actual));
    }

    /// <summary>The alerts posted since the previous check, exactly (in any order).</summary>
    public async Task NewAlertsAreAsync(params (string GoalId, string Reason)[] expected)
    {
        var fresh = (await AlertsAsync()).Where(a => a.Id > _alertsSeenThrough).ToList();
        Shows("new alerts", Describe(expected.Order()), Describe(fresh.Select(a => (a.GoalId ?? "-", a.Reason ?? "-")).Order()));
        _alertsSeenThrough = fresh.Select(a => a.Id).DefaultIfEmpty(_alertsSeenThrough).Max();
    }

    public Task NoNewAlertsAsync() => NewAlertsAreAsync();

    /// <summary>Every alert of the day, oldest first.</summary>
    public async Task<IReadOnlyList<FeedEntry>> AlertsAsync() =>
        [.. (await _org.Feed.ListAsync(new FeedQuery(Kind: FeedKind.Alert, Limit: 500))).Reverse()];

    /// <summary>What the organization's trigger rules posted, oldest first.</summary>
    public async Task<IReadOnlyList<FeedEntry>> TriggersAsync() => [.. (await AlertsAsync()).Where(a => a.Reason == AlertReasons.Trigger)];

    /// <summary>A department's view of the feed: what it posted and what was addressed to it.</summary>
    public Task<IReadOnlyList<FeedEntry>> FeedOfAsync(string department) => _org.Feed.ListAsync(new FeedQuery(Department: department, Limit: 500));

    /// <summary>"Launch day success" against the weighted average of its children's percent, each capped at 100.</summary>
    public async Task<double> LaunchDaySuccessIsTheWeightedAverageAsync()
    {
        var weighted = 0.0;
        foreach (var (id, weight) in Weights) weighted += weight * Math.Clamp((await Goal(id)).Percent ?? 0, 0, 100);
        var expected = Math.Round(weighted / Weights.Values.Sum(), 2);
        var parent = await Goal(Success);
        Assert.Equal(expected, parent.Percent);
        Assert.Equal(expected, parent.Progress);
        return expected;
    }

    private static string Describe<T>(IEnumerable<(string, T)> pairs) => $"[{string.Join(", ", pairs.Select(p => $"{p.Item1}: {p.Item2}"))}]";

    private void Shows(string what, string expected, string actual)
    {
        if (expected != actual) Assert.Fail($"At {Now:dd MMM HH:mm} the war room should show {what} {expected}, but shows {actual}.");
    }
}
