using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Alignment.LiveGoals;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Alignment;

/// <summary>An organization's own metrics, and which events its log accepts: base metrics only, never a ratio.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CustomMetricTests(ClusterFixture cluster)
{
    private static MetricDefinition RatioOf(string key, string numerator, string denominator) =>
        new(key, key, MetricKind.Ratio, "ratio", Formula: new RatioFormula([new MetricTerm(numerator)], [new MetricTerm(denominator)]));

    [Fact]
    public async Task Custom_ratio_over_additive_metrics_is_usable_by_a_goal()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.AddMetricAsync(RatioOf("lead_to_customer", "new_customers", "leads"));
        await org.Grain.CreateGoalAsync(LiveGoal("lead-quality", "lead_to_customer", target: 0.5));

        var result = await org.IngestAsync(Recent("leads", "leads", 40), Recent("customers", "new_customers", 10));

        var goal = await org.AppliedThroughAsync("lead-quality", result.LastSequence);
        Assert.Equal(0.25, goal.Progress);
        Assert.Equal(50, goal.Percent);
        Assert.Contains(await org.Grain.ListMetricsAsync(), m => m.Key == "lead_to_customer" && m.Kind == MetricKind.Ratio);
    }

    [Fact]
    public async Task Event_of_a_custom_additive_metric_is_accepted_once_the_metric_exists()
    {
        var org = await cluster.NewOrganizationAsync();
        await Assert.ThrowsAsync<AlignException>(() => org.IngestAsync(Recent("early", "demo_requests", 1)));

        await org.Grain.AddMetricAsync(new MetricDefinition("demo_requests", "Demo requests", MetricKind.Additive, "count"));
        var result = await org.IngestAsync(Recent("d1", "demo_requests", 3));

        Assert.Equal(new IngestResult(Accepted: 1, Duplicates: 0, LastSequence: 1), result);
    }

    [Fact]
    public async Task Custom_ratio_over_an_unknown_metric_is_refused()
    {
        var org = await cluster.NewOrganizationAsync();

        var refused = await Assert.ThrowsAsync<AlignException>(() => org.Grain.AddMetricAsync(RatioOf("webinar_rate", "webinar_signups", "visits")));

        Assert.Equal(AlignErrorKind.Invalid, refused.Kind);
        Assert.Contains("webinar_signups", refused.Message);
        Assert.DoesNotContain(await org.Grain.ListMetricsAsync(), m => m.Key == "webinar_rate");
    }

    [Fact]
    public async Task Ratio_metric_without_a_formula_is_refused_and_nothing_is_kept()
    {
        var org = await cluster.NewOrganizationAsync();

        var refused = await Assert.ThrowsAsync<AlignException>(() => org.Grain.AddMetricAsync(new MetricDefinition("broken_ratio", "Broken", MetricKind.Ratio, "ratio")));

        Assert.Equal(AlignErrorKind.Invalid, refused.Kind);
        Assert.DoesNotContain(await org.Grain.ListMetricsAsync(), m => m.Key == "broken_ratio");
    }

    [Theory]
    [InlineData("followers")]   // a gauge: its readings do not add up
    [InlineData("ctr")]         // a ratio: ratios are never summed
    public async Task Custom_ratio_over_a_metric_that_is_not_additive_is_refused(string part)
    {
        var org = await cluster.NewOrganizationAsync();

        var refused = await Assert.ThrowsAsync<AlignException>(() => org.Grain.AddMetricAsync(RatioOf("odd_ratio", part, "visits")));

        Assert.Equal(AlignErrorKind.Invalid, refused.Kind);
        Assert.DoesNotContain(await org.Grain.ListMetricsAsync(), m => m.Key == "odd_ratio");
    }

    [Fact]
    public async Task Metric_with_a_key_that_exists_is_a_conflict()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.AddMetricAsync(new MetricDefinition("demo_requests", "Demo requests", MetricKind.Additive, "count"));

        var custom = await Assert.ThrowsAsync<AlignException>(() => org.Grain.AddMetricAsync(new MetricDefinition("demo_requests", "Again", MetricKind.Gauge, "count")));
        var builtIn = await Assert.ThrowsAsync<AlignException>(() => org.Grain.AddMetricAsync(RatioOf("leads", "conversions", "visits")));

        Assert.Equal(AlignErrorKind.Conflict, custom.Kind);
        Assert.Equal(AlignErrorKind.Conflict, builtIn.Kind);
        var metrics = await org.Grain.ListMetricsAsync();
        Assert.Equal(MetricKind.Additive, Assert.Single(metrics, m => m.Key == "demo_requests").Kind);
        Assert.Equal(MetricKind.Additive, Assert.Single(metrics, m => m.Key == "leads").Kind);
    }

    [Fact]
    public async Task Batch_with_an_event_of_an_unknown_metric_is_refused_whole()
    {
        var org = await cluster.NewOrganizationAsync();

        var refused = await Assert.ThrowsAsync<AlignException>(() => org.IngestAsync(Recent("ok", "leads", 1), Recent("unknown", "webinar_signups", 5)));
        var next = await org.IngestAsync(Recent("after", "leads", 1));

        Assert.Equal(AlignErrorKind.Invalid, refused.Kind);
        Assert.Contains("webinar_signups", refused.Message);
        Assert.Equal(1, next.LastSequence);
    }

    [Fact]
    public async Task Batch_with_an_event_of_a_ratio_metric_is_refused_whole()
    {
        var org = await cluster.NewOrganizationAsync();

        var refused = await Assert.ThrowsAsync<AlignException>(() => org.IngestAsync(Recent("clicks", "clicks", 30), Recent("ctr", "ctr", 0.03)));
        var next = await org.IngestAsync(Recent("after", "clicks", 1));

        Assert.Equal(AlignErrorKind.Invalid, refused.Kind);
        Assert.Contains("ctr", refused.Message);
        Assert.Equal(1, next.LastSequence);
    }
}
