using Orleans.Align.Grains;
using Orleans.Align.Tests.Alerts;
using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Rules;

/// <summary>
/// Cross-department trigger rules, at their edges, on a clock the test moves: a metric rising or
/// falling by X % over a window against the window before, or crossing a value; each episode posts
/// one alert to the departments the rule names, and a rule that is reactivated does not post it twice.
/// Rules are views of the log on the delivery path, so the test ingests events and waits for the rule
/// to apply them; windows are an hour, the hold time is zero unless a test says otherwise.
/// </summary>
[Collection(AlertClockCollection.Name)]
public sealed class TriggerRuleTests(AlertClockFixture fixture)
{
    private const string RuleId = "coverage";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(60);

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    private static TriggerRule Rule(RuleCondition condition, double threshold, string metric = "media_mentions") =>
        new(RuleId, "Coverage is landing", metric, GoalScope.Of(campaign: Launch), condition, threshold, Window.TotalMinutes, [Sales], "expect inquiries");

    private async Task<TestOrganization> OrgWithRuleAsync(TriggerRule rule, bool holdAtOnce = true)
    {
        var org = await fixture.NewOrganizationAsync();
        if (holdAtOnce) await org.RaiseAlertsAtOnceAsync();
        await org.Grain.CreateRuleAsync(rule);
        return org;
    }

    private IRuleGrain RuleGrain(TestOrganization org) => fixture.Client.GetGrain<IRuleGrain>(GrainKeys.For(org.Id, RuleId));

    /// <summary>Mentions at <paramref name="at"/>; returns once the rule has applied them (and told the feed what it judged).</summary>
    private Task MentionsAsync(TestOrganization org, double value, DateTimeOffset at) => MentionsAsync(org, (value, at));

    /// <summary>Several readings in one batch: the rule judges once they are all applied.</summary>
    private async Task MentionsAsync(TestOrganization org, params (double Value, DateTimeOffset At)[] mentions)
    {
        var result = await org.IngestAsync([.. mentions.Select(m => Event($"m-{Guid.NewGuid():N}", "media_mentions", m.Value, Launch, Pr, m.At))]);
        await Eventually.Holds(async () => Assert.True((await RuleGrain(org).GetAsync())!.AppliedThrough >= result.LastSequence));
    }

    private static async Task<IReadOnlyList<FeedEntry>> TriggersAsync(TestOrganization org) =>
        (await org.Feed.ListAsync(new FeedQuery(Kind: FeedKind.Alert))).Where(e => e.Reason == AlertReasons.Trigger).ToList();

    /// <summary>10 mentions in the previous window, then <paramref name="current"/> in this one.</summary>
    private async Task<TestOrganization> RiseAsync(double threshold, double current)
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.RisesBy, threshold));
        await MentionsAsync(org, 10, Now - Window - TimeSpan.FromMinutes(30));
        await MentionsAsync(org, current, Now);
        return org;
    }

    [Fact]
    public async Task A_rise_of_exactly_the_threshold_posts_to_the_departments_the_rule_names()
    {
        var org = await RiseAsync(threshold: 20, current: 12);

        var alert = Assert.Single(await TriggersAsync(org));
        Assert.Equal([Sales], alert.To);
        Assert.Equal(AlertState.Open, alert.State);
        Assert.Contains("Coverage is landing", alert.Text);
        Assert.Single(await org.Feed.ListAsync(new FeedQuery(Department: Sales, Kind: FeedKind.Alert)));
        Assert.Empty(await org.Feed.ListAsync(new FeedQuery(Department: Marketing, Kind: FeedKind.Alert)));
    }

    [Fact]
    public async Task A_rise_just_under_the_threshold_posts_nothing()
    {
        var org = await RiseAsync(threshold: 20, current: 11.99);

        Assert.Empty(await TriggersAsync(org));
        Assert.False((await RuleGrain(org).GetAsync())!.Holds);
    }

    [Fact]
    public async Task A_rise_against_an_empty_previous_window_posts_nothing()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.RisesBy, 20));
        await MentionsAsync(org, 1_000, Now);

        Assert.Empty(await TriggersAsync(org));
        Assert.Null((await RuleGrain(org).GetAsync())!.ChangePercent);
    }

    [Fact]
    public async Task A_fall_of_the_threshold_posts_and_a_smaller_one_does_not()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.FallsBy, 50));
        // In one batch: the previous window alone would be a fall of 100 %.
        await MentionsAsync(org, (10, Now - Window - TimeSpan.FromMinutes(30)), (6, Now));
        Assert.Empty(await TriggersAsync(org));

        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await MentionsAsync(org, -1, Now); // a correction: 5 against 10 is exactly half

        Assert.Single(await TriggersAsync(org));
    }

    [Fact]
    public async Task Crossing_a_value_up_posts_once_and_going_back_down_resolves_it()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100));
        await MentionsAsync(org, 99, Now);
        Assert.Empty(await TriggersAsync(org));

        await MentionsAsync(org, 1, Now);
        var alert = Assert.Single(await TriggersAsync(org));
        await MentionsAsync(org, 50, Now);
        Assert.Single(await TriggersAsync(org)); // still the same episode

        // An hour later those mentions have left the window: the total is back under the value, by time alone.
        fixture.Clock.Advance(Window + TimeSpan.FromMinutes(1));
        await fixture.TickAsync(RuleGrain(org));
        Assert.Equal(AlertState.Resolved, Assert.Single(await TriggersAsync(org)).State);
        Assert.Equal(alert.Key, (await TriggersAsync(org)).Single().Key);
    }

    [Fact]
    public async Task Crossing_a_value_down_posts_once_the_metric_has_data()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Below, 5));
        await fixture.TickAsync(RuleGrain(org));
        Assert.Empty(await TriggersAsync(org)); // no data yet is not a fall

        await MentionsAsync(org, 20, Now - TimeSpan.FromMinutes(10));
        Assert.Empty(await TriggersAsync(org));

        fixture.Clock.Advance(Window);
        await fixture.TickAsync(RuleGrain(org));
        Assert.Single(await TriggersAsync(org));
    }

    [Fact]
    public async Task Each_episode_posts_once_and_a_new_one_posts_again_after_the_condition_clears()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100));
        await MentionsAsync(org, 150, Now);
        await fixture.TickAsync(RuleGrain(org));
        Assert.Single(await TriggersAsync(org));

        fixture.Clock.Advance(Window + TimeSpan.FromMinutes(1));
        await fixture.TickAsync(RuleGrain(org));
        Assert.Equal(AlertState.Resolved, Assert.Single(await TriggersAsync(org)).State);

        await MentionsAsync(org, 150, Now);
        var alerts = await TriggersAsync(org);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(AlertState.Open, alerts[0].State); // newest first
        Assert.NotEqual(alerts[0].Key, alerts[1].Key);
    }

    [Fact]
    public async Task A_condition_must_hold_for_the_hold_time_before_it_posts()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100), holdAtOnce: false);
        await MentionsAsync(org, 150, Now);
        Assert.Empty(await TriggersAsync(org));

        fixture.Clock.Advance(TimeSpan.FromMinutes(AlignmentSettings.Default.AlertHoldMinutes));
        await fixture.TickAsync(RuleGrain(org));
        Assert.Single(await TriggersAsync(org));
    }

    [Fact]
    public async Task A_reactivated_rule_does_not_post_its_episode_twice()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100));
        await MentionsAsync(org, 150, Now);
        Assert.Single(await TriggersAsync(org));

        await fixture.DeactivateAsync(RuleGrain(org));
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await fixture.TickAsync(RuleGrain(org));
        await MentionsAsync(org, 10, Now);

        Assert.Single(await TriggersAsync(org));
        Assert.True((await RuleGrain(org).GetAsync())!.Open);
    }

    [Fact]
    public async Task Events_outside_the_rules_scope_or_metric_do_not_count()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100));
        var result = await org.IngestAsync(
            Event("other-campaign", "media_mentions", 500, SpringSale, Sales, Now),
            Event("other-metric", "leads", 500, Launch, Marketing, Now),
            Event("counted", "media_mentions", 5, Launch, Pr, Now));
        await Eventually.Holds(async () => Assert.True((await RuleGrain(org).GetAsync())!.AppliedThrough >= result.LastSequence));

        Assert.Equal(5, (await RuleGrain(org).GetAsync())!.Current);
        Assert.Empty(await TriggersAsync(org));
    }

    [Fact]
    public async Task A_rule_counts_events_logged_before_it_was_created()
    {
        var org = await fixture.NewOrganizationAsync();
        await org.RaiseAlertsAtOnceAsync();
        await org.IngestAsync(Event("early", "media_mentions", 150, Launch, Pr, Now));

        var view = await org.Grain.CreateRuleAsync(Rule(RuleCondition.Above, 100));

        Assert.Equal(150, view.Current);
        Assert.Single(await TriggersAsync(org));
    }

    [Fact]
    public async Task A_rule_refuses_an_unknown_department_a_ratio_and_a_changed_definition()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100));

        await Assert.ThrowsAsync<AlignException>(() => org.Grain.CreateRuleAsync(Rule(RuleCondition.Above, 100) with { Id = "x", Notify = ["legal"] }));
        await Assert.ThrowsAsync<AlignException>(() => org.Grain.CreateRuleAsync(Rule(RuleCondition.Above, 1, metric: "conversion_rate") with { Id = "y" }));
        var conflict = await Assert.ThrowsAsync<AlignException>(() => org.Grain.CreateRuleAsync(Rule(RuleCondition.Above, 200)));
        Assert.Equal(AlignErrorKind.Conflict, conflict.Kind);
        Assert.Equal(100, (await org.Grain.CreateRuleAsync(Rule(RuleCondition.Above, 100))).Rule.Threshold); // the same again is fine
    }
}
