namespace Orleans.Align.Grains.Views;

/// <summary>The latest reading of a gauge metric.</summary>
[GenerateSerializer, Immutable, Alias("align.gauge-reading")]
public sealed record GaugeReading([property: Id(0)] double Value, [property: Id(1)] DateTimeOffset At);

/// <summary>
/// Additive parts of a slice of the log, for every metric at once: the sum of each metric and the
/// latest reading of each (which one is its value depends on its kind, known when the view is
/// read, so a metric added to the catalogue later needs no replay). Ratios are derived from the sums
/// by <see cref="Goals.GoalMath.Value"/>, as for goals: never an average of ratios.
/// </summary>
[GenerateSerializer, Alias("align.metric-totals")]
public sealed class MetricTotals
{
    [Id(0)] public Dictionary<string, double> Sums { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public Dictionary<string, GaugeReading> Latest { get; set; } = new(StringComparer.Ordinal);
    [Id(2)] public long Events { get; set; }

    public void Add(MetricEvent e)
    {
        Events++;
        Sums[e.Metric] = Sums.GetValueOrDefault(e.Metric) + e.Amount; // a correction adds its difference
        if (!Latest.TryGetValue(e.Metric, out var last) || e.Timestamp >= last.At) Latest[e.Metric] = new GaugeReading(e.Value, e.Timestamp);
    }

    /// <summary>One metric's value from these parts: its sum, its latest reading, or its ratio of sums. Null: no data.</summary>
    public double? Value(MetricDefinition metric) => metric.Kind switch
    {
        MetricKind.Ratio when !metric.Inputs.Any(Sums.ContainsKey) => null,
        MetricKind.Ratio => Goals.GoalMath.Value(metric, Sums, null),
        MetricKind.Gauge => Latest.TryGetValue(metric.Key, out var g) ? g.Value : null,
        _ => Sums.TryGetValue(metric.Key, out var sum) ? sum : null,
    };

    /// <summary>Every base metric with data and every ratio of the catalogue, in catalogue order.</summary>
    public TotalsView View(IReadOnlyList<MetricDefinition> catalogue) => new(Events,
        [.. catalogue.Where(m => m.Kind == MetricKind.Ratio || Sums.ContainsKey(m.Key)).Select(m => new MetricValue(m.Key, Value(m), m.Kind, m.Unit))]);
}

public static class MetricTotalsSlices
{
    /// <summary>The totals of one slice (a department, a campaign, an activity), created on its first event.</summary>
    public static MetricTotals Slice(this Dictionary<string, MetricTotals> slices, string key)
    {
        if (!slices.TryGetValue(key, out var totals)) slices[key] = totals = new MetricTotals();
        return totals;
    }
}
