namespace Orleans.Align.Tests.Alignment;

/// <summary>The metrics every organization starts with: the ones marketing, PR and sales talk about.</summary>
public sealed class MetricCatalogueTests
{
    private static MetricDefinition Metric(string key) => Assert.Single(MetricCatalogue.Defaults, m => m.Key == key);

    private static (string Metric, double Coefficient)[] Terms(IEnumerable<MetricTerm> terms) => [.. terms.Select(t => (t.Metric, t.Coefficient))];

    [Theory]
    [InlineData("conversion_rate", "conversions", "visits")]
    [InlineData("cac", "spend", "new_customers")]
    [InlineData("ctr", "clicks", "impressions")]
    [InlineData("engagement_rate", "engagements", "impressions")]
    public void Rates_are_ratios_of_two_additive_metrics(string key, string numerator, string denominator)
    {
        var metric = Metric(key);

        Assert.Equal(MetricKind.Ratio, metric.Kind);
        Assert.Equal([(numerator, 1.0)], Terms(metric.Formula!.Numerator));
        Assert.Equal([(denominator, 1.0)], Terms(metric.Formula.Denominator));
        Assert.All(metric.Inputs, input => Assert.Equal(MetricKind.Additive, Metric(input).Kind));
    }

    [Fact]
    public void Roi_is_revenue_minus_spend_over_spend()
    {
        var roi = Metric("roi");

        Assert.Equal(MetricKind.Ratio, roi.Kind);
        Assert.Equal([("revenue", 1.0), ("spend", -1.0)], Terms(roi.Formula!.Numerator));
        Assert.Equal([("spend", 1.0)], Terms(roi.Formula.Denominator));
        Assert.Equal(["revenue", "spend"], roi.Inputs);
    }

    [Fact]
    public void Followers_are_a_gauge()
    {
        var followers = Metric("followers");

        Assert.Equal(MetricKind.Gauge, followers.Kind);
        Assert.Null(followers.Formula);
        Assert.Equal(["followers"], followers.Inputs);
    }

    [Theory]
    [InlineData("leads")]
    [InlineData("visits")]
    [InlineData("conversions")]
    [InlineData("spend")]
    [InlineData("revenue")]
    [InlineData("new_customers")]
    [InlineData("impressions")]
    [InlineData("clicks")]
    [InlineData("engagements")]
    [InlineData("media_mentions")]
    [InlineData("orders")]
    public void Counts_and_money_are_additive(string key) =>
        Assert.Equal(MetricKind.Additive, Metric(key).Kind);

    [Fact]
    public void Costs_are_lower_is_better_and_results_are_not()
    {
        Assert.True(Metric("cac").LowerIsBetter);
        Assert.True(Metric("spend").LowerIsBetter);
        Assert.False(Metric("roi").LowerIsBetter);
        Assert.False(Metric("conversion_rate").LowerIsBetter);
        Assert.False(Metric("revenue").LowerIsBetter);
    }

    [Fact]
    public void Every_key_is_a_valid_metric_key_and_appears_once()
    {
        Assert.All(MetricCatalogue.Defaults, m => Assert.True(MetricKeys.IsValid(m.Key), m.Key));
        Assert.Equal(MetricCatalogue.Defaults.Count, MetricCatalogue.Defaults.Select(m => m.Key).Distinct().Count());
    }
}
