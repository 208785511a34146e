using System.Globalization;
using System.Text.Json;
using Orleans.Align.LiveBench.Measure;

namespace Orleans.Align.LiveBench;

/// <summary>CPU (percent of one core over the window) and resident memory of one server process.</summary>
public sealed record ServerFigures(string Name, int Pid, double CpuPercent, long RssStartKb, long RssEndKb, long RssPeakKb, double RssDeltaPerOrgKb);

/// <summary>Everything one run measured inside its window; written as JSON for <c>compare</c>.</summary>
public sealed record LiveReport(
    string Target,
    string Protocol,
    int Orgs,
    int Viewers,
    int Watching,
    int Held,
    double Seconds,
    double EventsPerSecondAsked,
    double EventsPerSecond,
    long FailedRequests,
    Distribution Freshness,
    long FreshnessUnseen,
    long Pushes,
    double PushesPerSecond,
    double PushesPerViewerPerSecond,
    long BytesReceived,
    double BytesPerViewerPerSecond,
    double MeanPushBytes,
    double ClientCpuPercent,
    IReadOnlyList<ServerFigures> Servers)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static LiveReport Load(string path) =>
        JsonSerializer.Deserialize<LiveReport>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no report.");

    public void Print(TextWriter output)
    {
        var f = Freshness;
        output.WriteLine();
        output.WriteLine($"== {Target} ({Protocol}), {Seconds:0.0} s measured" + (Orgs > 0 ? $", {Orgs} organization{(Orgs > 1 ? "s" : "")}" : ""));
        output.WriteLine($"viewers            {Held} held at the end, {Watching} watching after connect, {Viewers} asked");
        if (Target == "product")
            output.WriteLine($"events/s           {EventsPerSecond:0} reached of {EventsPerSecondAsked:0} asked ({FailedRequests} failed requests)");
        output.WriteLine($"freshness (ms)     p50 {f.P50:0.0}  p90 {f.P90:0.0}  p99 {f.P99:0.0}  max {f.Max:0.0}  ({f.Count} samples" +
            (FreshnessUnseen > 0 ? $"; {FreshnessUnseen} times a probe had not seen a batch of the window 3 s after it)" : ")"));
        output.WriteLine($"pushes             {Pushes} received, {PushesPerSecond:0} /s, {PushesPerViewerPerSecond:0.00} /s per viewer, {MeanPushBytes:0} bytes each on average");
        output.WriteLine($"bytes received     {BytesReceived / 1e6:0.0} MB, {BytesPerViewerPerSecond / 1e3:0.0} kB/s per viewer");
        foreach (var s in Servers)
        {
            output.WriteLine($"{s.Name,-18} CPU {s.CpuPercent:0}% of a core, RSS {s.RssEndKb / 1024.0:0} MB at the end (peak {s.RssPeakKb / 1024.0:0}, start {s.RssStartKb / 1024.0:0})" +
                (Orgs > 1 ? $", {s.RssDeltaPerOrgKb:0.0} kB per organization" : ""));
        }
        output.WriteLine($"load client        CPU {ClientCpuPercent:0}% of a core (the same cores as the servers)");
    }

    /// <summary>The product's figures beside the bare hub's, as a Markdown table.</summary>
    public static void Compare(LiveReport product, LiveReport bare, TextWriter output)
    {
        static string N(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);
        static string Ratio(double a, double b) => b == 0 || double.IsNaN(a) || double.IsNaN(b) ? "–" : (a / b).ToString("0.00", CultureInfo.InvariantCulture);
        void Row(string name, double a, double b, string format) => output.WriteLine($"| {name} | {N(a, format)} | {N(b, format)} | {Ratio(a, b)} |");

        var orgs = product.Orgs > 1 ? $" of {product.Orgs} organizations" : "";
        output.WriteLine($"| {product.Viewers} viewers{orgs}, {product.Protocol} | product | bare SignalR hub | product / bare |");
        output.WriteLine("| --- | ---: | ---: | ---: |");
        Row("viewers held", product.Held, bare.Held, "0");
        Row("freshness p50 (ms)", product.Freshness.P50, bare.Freshness.P50, "0.0");
        Row("freshness p90 (ms)", product.Freshness.P90, bare.Freshness.P90, "0.0");
        Row("freshness p99 (ms)", product.Freshness.P99, bare.Freshness.P99, "0.0");
        Row("freshness max (ms)", product.Freshness.Max, bare.Freshness.Max, "0.0");
        Row("freshness samples", product.Freshness.Count, bare.Freshness.Count, "0");
        Row("pushes delivered /s (fan-out)", product.PushesPerSecond, bare.PushesPerSecond, "0");
        Row("pushes /s per viewer", product.PushesPerViewerPerSecond, bare.PushesPerViewerPerSecond, "0.00");
        Row("bytes per push", product.MeanPushBytes, bare.MeanPushBytes, "0");
        Row("kB/s per viewer", product.BytesPerViewerPerSecond / 1e3, bare.BytesPerViewerPerSecond / 1e3, "0.0");
        var gateway = product.Servers.FirstOrDefault(s => s.Name == "gateway");
        var hub = bare.Servers.FirstOrDefault();
        Row("gateway CPU (% of a core)", gateway?.CpuPercent ?? double.NaN, hub?.CpuPercent ?? double.NaN, "0");
        Row("gateway RSS (MB, end)", (gateway?.RssEndKb ?? double.NaN) / 1024.0, (hub?.RssEndKb ?? double.NaN) / 1024.0, "0");
        var silo = product.Servers.FirstOrDefault(s => s.Name == "silo");
        output.WriteLine($"| silo CPU (% of a core) / RSS (MB) | {N(silo?.CpuPercent ?? double.NaN, "0")} / {N((silo?.RssEndKb ?? double.NaN) / 1024.0, "0")} | – | – |");
        output.WriteLine($"| events/s reached (asked) | {N(product.EventsPerSecond, "0")} ({N(product.EventsPerSecondAsked, "0")}) | – | – |");
        Row("load client CPU (% of a core)", product.ClientCpuPercent, bare.ClientCpuPercent, "0");
    }
}
