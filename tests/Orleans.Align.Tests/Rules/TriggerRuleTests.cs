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
    public async Task A_changed_hold_time_reaches_the_rule_at_once_not_at_its_next_activation()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100), holdAtOnce: false);
        await MentionsAsync(org, 150, Now);
        Assert.Empty(await TriggersAsync(org)); // held back by the default 5 minutes

        await org.RaiseAlertsAtOnceAsync();

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
    public async Task A_rule_refuses_an_unknown_department_or_metric_and_a_changed_definition_under_create()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100));

        await Assert.ThrowsAsync<AlignException>(() => org.Grain.CreateRuleAsync(Rule(RuleCondition.Above, 100) with { Id = "x", Notify = ["legal"] }));
        await Assert.ThrowsAsync<AlignException>(() => org.Grain.CreateRuleAsync(Rule(RuleCondition.Above, 1, metric: "no_such_metric") with { Id = "y" }));
        var conflict = await Assert.ThrowsAsync<AlignException>(() => org.Grain.CreateRuleAsync(Rule(RuleCondition.Above, 200)));
        Assert.Equal(AlignErrorKind.Conflict, conflict.Kind);
        Assert.Equal(100, (await org.Grain.CreateRuleAsync(Rule(RuleCondition.Above, 100))).Rule.Threshold); // the same again is fine
    }

    /// <summary>The current revision of the rule, through the organization (a changed rule lives in a grain of its own).</summary>
    private static async Task<RuleView> CurrentAsync(TestOrganization org) => (await org.Grain.GetRuleAsync(RuleId))!;

    private static async Task WaitAppliedAsync(TestOrganization org, IngestResult result) =>
        await Eventually.Holds(async () => Assert.True((await CurrentAsync(org)).AppliedThrough >= result.LastSequence));

    [Fact]
    public async Task A_changed_rule_counts_its_new_metric_from_the_start_of_the_log_and_resolves_what_the_old_one_raised()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100));
        await org.IngestAsync(Event("leads-early", "leads", 20, Launch, Marketing, Now));
        await MentionsAsync(org, 150, Now);
        var raised = Assert.Single(await TriggersAsync(org));

        var changed = await org.Grain.UpdateRuleAsync(Rule(RuleCondition.Above, 10, metric: "leads"));

        Assert.Equal(1, changed.Rule.Revision);
        Assert.Equal(20, changed.Current); // the leads logged before the change, not the 150 mentions
        var alerts = await TriggersAsync(org);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(AlertState.Resolved, alerts.Single(a => a.Key == raised.Key).State);
        Assert.Equal(AlertState.Open, alerts.Single(a => a.Key != raised.Key).State);

        // Events after the change reach the new revision, and only the ones it counts.
        var result = await org.IngestAsync(Event("leads-late", "leads", 5, Launch, Marketing, Now), Event("m-late", "media_mentions", 500, Launch, Pr, Now));
        await WaitAppliedAsync(org, result);
        Assert.Equal(25, (await CurrentAsync(org)).Current);
        Assert.Null(await RuleGrain(org).GetAsync()); // the first revision is retired
    }

    [Fact]
    public async Task Changing_a_rule_to_the_same_definition_changes_nothing_and_an_unknown_rule_is_not_found()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100));

        Assert.Equal(0, (await org.Grain.UpdateRuleAsync(Rule(RuleCondition.Above, 100))).Rule.Revision);
        var missing = await Assert.ThrowsAsync<AlignException>(() => org.Grain.UpdateRuleAsync(Rule(RuleCondition.Above, 100) with { Id = "nope" }));
        Assert.Equal(AlignErrorKind.NotFound, missing.Kind);
        Assert.Equal(AlignErrorKind.NotFound, (await Assert.ThrowsAsync<AlignException>(() => org.Grain.DeleteRuleAsync("nope"))).Kind);
    }

    [Fact]
    public async Task A_deleted_rule_resolves_its_alert_and_its_id_can_be_used_again_afresh()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100));
        await MentionsAsync(org, 150, Now);
        Assert.Single(await TriggersAsync(org));

        await org.Grain.DeleteRuleAsync(RuleId);

        Assert.Null(await org.Grain.GetRuleAsync(RuleId));
        Assert.DoesNotContain(await org.Grain.ListRulesAsync(), r => r.Rule.Id == RuleId);
        Assert.Equal(AlertState.Resolved, Assert.Single(await TriggersAsync(org)).State);

        var again = await org.Grain.CreateRuleAsync(Rule(RuleCondition.Above, 1_000));
        Assert.Equal(1, again.Rule.Revision); // never the deleted revision's grain or cursor
        Assert.Equal(150, again.Current);
        var result = await org.IngestAsync(Event("m-after", "media_mentions", 7, Launch, Pr, Now));
        await WaitAppliedAsync(org, result);
        Assert.Equal(157, (await CurrentAsync(org)).Current);
    }

    [Fact]
    public async Task A_ratio_rule_computes_each_windows_ratio_from_the_windows_summed_parts()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Below, 0.1, metric: "conversion_rate"));
        // Two batches of the same window: 20/100 = 0.2, then (20 + 0)/(100 + 200) = 0.067 (an average of ratios would say 0.1).
        var first = await org.IngestAsync(Event("v1", "visits", 100, Launch, Marketing, Now), Event("c1", "conversions", 20, Launch, Marketing, Now),
            Event("other-campaign", "visits", 10_000, SpringSale, Marketing, Now));
        await WaitAppliedAsync(org, first);
        Assert.Equal(0.2, (await CurrentAsync(org)).Current!.Value, 9);
        Assert.Empty(await TriggersAsync(org));

        var second = await org.IngestAsync(Event("v2", "visits", 200, Launch, Marketing, Now));
        await WaitAppliedAsync(org, second);

        Assert.Equal(20.0 / 300, (await CurrentAsync(org)).Current!.Value, 9);
        Assert.Contains("conversion_rate", Assert.Single(await TriggersAsync(org)).Text);
    }

    [Fact]
    public async Task A_ratio_rule_with_no_denominator_in_its_window_has_no_value_and_does_not_hold()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Below, 0.1, metric: "conversion_rate"));
        var result = await org.IngestAsync(Event("c-only", "conversions", 3, Launch, Marketing, Now));
        await WaitAppliedAsync(org, result);

        Assert.Null((await CurrentAsync(org)).Current);
        Assert.Empty(await TriggersAsync(org));
    }

    [Fact]
    public async Task A_gauge_rule_watches_the_latest_reading_and_its_rise_against_the_reading_a_window_ago()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.RisesBy, 10, metric: "followers"));
        var result = await org.IngestAsync(
            Event("f-old", "followers", 1_000, Launch, Marketing, Now - Window - TimeSpan.FromMinutes(10)),
            Event("f-late", "followers", 1_050, Launch, Marketing, Now - TimeSpan.FromMinutes(5)),
            Event("f-new", "followers", 1_100, Launch, Marketing, Now - TimeSpan.FromMinutes(1)));
        await WaitAppliedAsync(org, result);

        var view = await CurrentAsync(org);
        Assert.Equal((1_100, 1_000), (view.Current, view.Previous)); // latest readings, not sums
        Assert.Equal(10, view.ChangePercent!.Value, 9);
        Assert.Single(await TriggersAsync(org));
    }

    [Fact]
    public async Task Every_goal_with_its_own_metric_lists_its_trend_rule_with_the_organizations_rules()
    {
        var org = await OrgWithRuleAsync(Rule(RuleCondition.Above, 100));
        await org.CreateGoalAsync("mentions-goal", "media_mentions", GoalScope.Of(campaign: Launch));

        var rules = await org.Grain.ListRulesAsync();

        Assert.Equal([RuleId, "mentions-goal-trend"], rules.Select(r => r.Rule.Id));
        var trend = rules[1].Rule;
        Assert.Equal(("mentions-goal", RuleCondition.FallsBy), (trend.Goal, trend.Condition));
        Assert.Equal(AlignmentSettings.Default.TrendDrop * 100, trend.Threshold, 9);
    }
}
