using System.Text.Json;

namespace Orleans.Align.Driver.Load;

public sealed record LatencySummary(long Count, double P50, double P90, double P99, double Max, double Mean)
{
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0) return new LatencySummary(0, 0, 0, 0, 0, 0);
        return new LatencySummary(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted[^1], sorted.Average());
    }

    /// <summary>Nearest rank: the smallest sample at or above the fraction of all samples.</summary>
    private static double Rank(double[] sorted, double fraction) => sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}

/// <summary>The figures of one run, as printed and as written with <c>--json</c>.</summary>
public sealed record LoadReport(
    DateTimeOffset StartedAt,
    string Gateway,
    IReadOnlyList<string> Organizations,
    int Clients,
    int BatchSize,
    double WarmupSeconds,
    double MeasuredSeconds,
    bool Interrupted,
    long AcknowledgedEvents,
    long AcknowledgedRequests,
    double EventsPerSecond,
    double RequestsPerSecond,
    LatencySummary AckLatencyMs,
    IReadOnlyDictionary<string, long> Errors,
    IReadOnlyDictionary<string, long> ErrorsOutsideWindow,
    long AcceptedEventsTotal,
    long DuplicateEventsTotal,
    long RefusedBatches,
    long UnresolvedBatches,
    long ResentAfterStop,
    long BodiesBuilt,
    double BodyBuildMsEach,
    double? DriverCpuPercentOfOneCore,
    int ProcessorCount,
    CorrectnessResult Correctness)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static LoadReport From(LoadOptions options, IReadOnlyList<LoadTenant> tenants, DateTimeOffset startedAt, LoadFigures figures, CorrectnessResult correctness)
    {
        var tallies = figures.Tallies;
        var seconds = figures.Measured.TotalSeconds;
        var events = tallies.Sum(t => t.AcceptedEvents);
        var requests = tallies.Sum(t => t.AcknowledgedRequests);
        return new LoadReport(
            startedAt,
            options.GatewayText,
            [.. tenants.Select(t => t.OrgId)],
            options.Clients,
            options.BatchSize,
            options.Warmup.TotalSeconds,
            Math.Round(seconds, 3),
            figures.Interrupted,
            events,
            requests,
            seconds > 0 ? Math.Round(events / seconds, 1) : 0,
            seconds > 0 ? Math.Round(requests / seconds, 2) : 0,
            LatencySummary.Of(tallies.SelectMany(t => t.AckLatenciesMs)),
            Merge(tallies.Select(t => t.Errors)),
            Merge(tallies.Select(t => t.ErrorsOutsideWindow)),
            tallies.Sum(t => t.AcceptedTotal),
            tallies.Sum(t => t.DuplicatesTotal),
            tallies.Sum(t => t.RefusedBatches),
            tallies.Sum(t => t.UnresolvedBatches),
            tallies.Sum(t => t.ResentAfterStop),
            figures.BodiesBuilt,
            figures.BodiesBuilt > 0 ? figures.BodyBuildTime.TotalMilliseconds / figures.BodiesBuilt : 0,
            figures.DriverCpuPercentOfOneCore is { } cpu ? Math.Round(cpu, 1) : null,
            Environment.ProcessorCount,
            correctness);
    }

    public void WriteSummary(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Load on {Gateway}, {StartedAt:yyyy-MM-dd HH:mm} UTC: {Clients} clients, batches of {BatchSize}, " +
            $"{Organizations.Count} organization{(Organizations.Count > 1 ? "s" : "")}, warm-up {WarmupSeconds:0.#} s, measured {MeasuredSeconds:0.0} s" +
            (Interrupted ? " (interrupted)" : ""));
        output.WriteLine($"  acknowledged events   {EventsPerSecond,12:N0} /s   ({AcknowledgedEvents:N0} events accepted)");
        output.WriteLine($"  acknowledged requests {RequestsPerSecond,12:N1} /s   ({AcknowledgedRequests:N0} requests)");
        var l = AckLatencyMs;
        output.WriteLine(l.Count == 0
            ? "  ack latency (ms)      no request was acknowledged in the window"
            : $"  ack latency (ms)      p50 {l.P50:0.0}   p90 {l.P90:0.0}   p99 {l.P99:0.0}   max {l.Max:0.0}   mean {l.Mean:0.0}");
        output.WriteLine($"  errors                {Describe(Errors)}" + (ErrorsOutsideWindow.Count > 0 ? $"   (outside the window: {Describe(ErrorsOutsideWindow)})" : ""));
        if (RefusedBatches > 0 || UnresolvedBatches > 0 || ResentAfterStop > 0)
            output.WriteLine($"  batches               {RefusedBatches:N0} refused, {ResentAfterStop:N0} given up under load and sent again after the stop, " +
                $"{UnresolvedBatches:N0} never acknowledged");
        var cpu = DriverCpuPercentOfOneCore is { } percent ? $"{percent:0}% of one core ({ProcessorCount} cores here)" : "not measured";
        output.WriteLine($"  driver                {BodiesBuilt:N0} bodies built ahead, {BodyBuildMsEach:0.00} ms each; CPU {cpu}");
        var c = Correctness;
        var caughtUp = c.SecondsToCatchUp is { } s ? $", within {s:0.0} s of the last acknowledgement" : "";
        output.WriteLine($"  correctness           {(c.Pass ? "PASS" : "FAIL")}: goals counted {c.CountedEvents:N0} of the {c.ExpectedEvents:N0} " +
            $"acknowledged events that match them ({AcceptedEventsTotal:N0} accepted in the whole run){caughtUp}; {c.Detail}.");
    }

    public void WriteJson(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }

    private static Dictionary<string, long> Merge(IEnumerable<Dictionary<string, long>> counts)
    {
        var merged = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, count) in counts.SelectMany(c => c)) merged[key] = merged.GetValueOrDefault(key) + count;
        return merged;
    }

    private static string Describe(IReadOnlyDictionary<string, long> errors) =>
        errors.Count == 0 ? "none" : string.Join(", ", errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value:N0}"));
}
