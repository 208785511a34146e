namespace Orleans.Align;

[GenerateSerializer, Alias("align.metric-kind")]
public enum MetricKind
{
    /// <summary>Events add up (leads, spend, revenue...).</summary>
    Additive = 0,

    /// <summary>The latest event is the value (followers, NPS...).</summary>
    Gauge = 1,

    /// <summary>Derived from summed base metrics by a formula (CAC, ROI, conversion rate...).</summary>
    Ratio = 2,
}

/// <summary>One term of a ratio's numerator or denominator: a base metric times a coefficient.</summary>
[GenerateSerializer, Immutable, Alias("align.metric-term")]
public sealed record MetricTerm(
    [property: Id(0)] string Metric,
    [property: Id(1)] double Coefficient = 1);

/// <summary>ratio = Σ numerator terms / Σ denominator terms, each term over the summed base metric.</summary>
[GenerateSerializer, Immutable, Alias("align.ratio-formula")]
public sealed record RatioFormula(
    [property: Id(0)] IReadOnlyList<MetricTerm> Numerator,
    [property: Id(1)] IReadOnlyList<MetricTerm> Denominator)
{
    public IEnumerable<string> BaseMetrics => Numerator.Concat(Denominator).Select(t => t.Metric).Distinct();

    /// <summary>
    /// Computed from the summed parts, never by averaging ratios. A zero denominator is "no data"
    /// (null), not an error or an infinity.
    /// </summary>
    public double? Evaluate(Func<string, double> sum)
    {
        var denominator = Denominator.Sum(t => t.Coefficient * sum(t.Metric));
        if (denominator == 0 || !double.IsFinite(denominator)) return null;
        return Numerator.Sum(t => t.Coefficient * sum(t.Metric)) / denominator;
    }
}

[GenerateSerializer, Immutable, Alias("align.metric-definition")]
public sealed record MetricDefinition(
    [property: Id(0)] string Key,
    [property: Id(1)] string Name,
    [property: Id(2)] MetricKind Kind,
    [property: Id(3)] string Unit,
    [property: Id(4)] bool LowerIsBetter = false,
    [property: Id(5)] RatioFormula? Formula = null)
{
    /// <summary>The base metrics whose events move this metric.</summary>
    public IReadOnlyList<string> Inputs => Formula is { } f ? [.. f.BaseMetrics] : [Key];
}

/// <summary>The metrics every organization starts with; organizations add their own.</summary>
public static class MetricCatalogue
{
    private static MetricDefinition Sum(string key, string name, string unit, bool lowerIsBetter = false) =>
        new(key, name, MetricKind.Additive, unit, lowerIsBetter);

    private static MetricDefinition Ratio(string key, string name, string unit, RatioFormula formula, bool lowerIsBetter = false) =>
        new(key, name, MetricKind.Ratio, unit, lowerIsBetter, formula);

    private static IReadOnlyList<MetricTerm> T(params (string Metric, double Coefficient)[] terms) =>
        [.. terms.Select(t => new MetricTerm(t.Metric, t.Coefficient))];

    public static readonly IReadOnlyList<MetricDefinition> Defaults =
    [
        Sum("leads", "Leads", "count"),
        Sum("visits", "Visits", "count"),
        Sum("conversions", "Conversions", "count"),
        Sum("spend", "Spend", "currency", lowerIsBetter: true),
        Sum("revenue", "Revenue", "currency"),
        Sum("new_customers", "New customers", "count"),
        Sum("impressions", "Impressions", "count"),
        Sum("clicks", "Clicks", "count"),
        Sum("engagements", "Engagements", "count"),
        Sum("media_mentions", "Media mentions", "count"),
        Sum("orders", "Orders", "count"),
        new("followers", "Followers", MetricKind.Gauge, "count"),
        Ratio("conversion_rate", "Conversion rate", "ratio", new(T(("conversions", 1)), T(("visits", 1)))),
        Ratio("cac", "Customer acquisition cost", "currency", new(T(("spend", 1)), T(("new_customers", 1))), lowerIsBetter: true),
        Ratio("roi", "Return on investment", "ratio", new(T(("revenue", 1), ("spend", -1)), T(("spend", 1)))),
        Ratio("ctr", "Click-through rate", "ratio", new(T(("clicks", 1)), T(("impressions", 1)))),
        Ratio("engagement_rate", "Engagement rate", "ratio", new(T(("engagements", 1)), T(("impressions", 1)))),
    ];
}
