using System.Diagnostics;
using Orleans.Align.Driver.Api;
using Orleans.Align.LiveBench.Measure;
using Orleans.Align.LiveBench.Posting;
using Orleans.Align.LiveBench.Setup;
using Orleans.Align.LiveBench.Viewers;

namespace Orleans.Align.LiveBench;

/// <summary>
/// One measured run: set up (product) or not (bare hub), connect the viewers at a bounded rate, post
/// for the warm-up and the window, then read what the viewers and the servers did inside the window.
/// </summary>
public sealed class LiveRun(LiveOptions options, TextWriter output)
{
    public const string HubPath = "/hubs/live";
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(3);

    public async Task<LiveReport> RunAsync(CancellationToken stop)
    {
        var product = options.Target == BenchTarget.Product;
        using var http = AlignApiClient.CreateHttpClient(options.Url, TimeSpan.FromSeconds(30), options.PostConcurrency + 8);
        using var negotiate = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, MaxConnectionsPerServer = 32 })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };

        var gateway = Sampler(product ? "gateway" : "bare hub", options.GatewayPid ?? ProcessSampler.PidListeningOn(options.Url.Port));
        var silo = product ? Sampler("silo", options.SiloPid ?? ProcessSampler.PidListeningOn(options.SiloPort)) : null;
        var samplers = new[] { gateway, silo }.OfType<ProcessSampler>().ToList();
        // Memory before the organizations are set up or woken: the delta is what they and their viewers cost.
        foreach (var s in samplers) s.Start();

        var viewers = new List<Viewer>(options.Viewers);
        var targets = new List<PostTarget>();
        if (product)
        {
            var orgs = await new BenchOrganizations(http, options.PlatformAdminKey, options.StateFile, output)
                .EnsureAsync(options.OrgPrefix, options.Orgs, options.Goals, stop);
            var probeOrgs = ProbeOrgs(options.Orgs, options.Probes, options.ViewersPerOrg);
            for (var o = 0; o < orgs.Count; o++)
            {
                var org = orgs[o];
                var client = new AlignApiClient(http, org.AdminKey);
                ProbeTrack? track = null;
                if (probeOrgs.Contains(o))
                {
                    track = new ProbeTrack(org.Id, BenchOrganizations.GoalId(0));
                    var goal = await client.GetGoalAsync(track.GoalId, stop);
                    track.Start(goal.Progress ?? 0);
                }
                targets.Add(new PostTarget(org, client, track));
                var probesHere = track is null ? 0 : options.Orgs == 1 ? Math.Min(options.Probes, options.ViewersPerOrg) : 1;
                for (var v = 0; v < options.ViewersPerOrg; v++)
                {
                    var target = new ViewerTarget(options.Url, HubPath, org.ReadKey, BenchOrganizations.BoardId, options.Protocol);
                    viewers.Add(new Viewer(target, negotiate, v < probesHere ? new ProbeKind.Goal(track!) : null));
                }
            }
        }
        else
        {
            for (var v = 0; v < options.Viewers; v++)
            {
                var target = new ViewerTarget(options.Url, HubPath, null, "bare", options.Protocol);
                viewers.Add(new Viewer(target, negotiate, v < options.Probes ? new ProbeKind.SentAt() : null));
            }
        }

        using var stopViewers = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var running = await ConnectAsync(viewers, stopViewers.Token, stop);
        var watching = viewers.Count(v => v.State == ViewerState.Watching);
        output.WriteLine($"{watching} of {viewers.Count} viewers watching ({viewers.Count(v => v.IsProbe)} probes)" +
            (watching < viewers.Count ? $"; first failure: {viewers.FirstOrDefault(v => v.Failure is not null)?.Failure}" : ""));

        var poster = product ? new Poster(targets, options.Batch, options.EventsPerSecond, options.PostConcurrency) : null;
        using var stopPosting = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var posting = poster?.RunAsync(stopPosting.Token) ?? Task.CompletedTask;

        await Delay(options.Warmup, stop);
        var before = Totals(viewers);
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var s in samplers) s.StartCpu();
        poster?.Measure(true);
        foreach (var v in viewers) v.Measure(true);
        var windowStart = Stopwatch.GetTimestamp();

        while (Stopwatch.GetElapsedTime(windowStart) < options.Duration && !stop.IsCancellationRequested)
        {
            var left = options.Duration - Stopwatch.GetElapsedTime(windowStart);
            await Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), stop);
            foreach (var s in samplers) s.Sample();
            var now = Totals(viewers);
            output.WriteLine($"  {Stopwatch.GetElapsedTime(windowStart).TotalSeconds,5:0.0} s: {viewers.Count(v => v.IsHeld)} held, " +
                $"{now.Pushes - before.Pushes} pushes, {(now.Bytes - before.Bytes) / 1e6:0.0} MB" +
                (poster is null ? "" : $", {Interlocked.Read(ref poster.AcceptedInWindow)} events accepted, {Interlocked.Read(ref poster.FailedRequests)} failed requests"));
        }

        var seconds = Stopwatch.GetElapsedTime(windowStart).TotalSeconds;
        poster?.Measure(false);
        var after = Totals(viewers);
        var clientCpuPercent = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds / seconds * 100;
        var cpu = samplers.ToDictionary(s => s.Name, s => s.CpuPercent());
        var rssEnd = samplers.ToDictionary(s => s.Name, s => s.Sample());
        var held = viewers.Count(v => v.IsHeld);

        await stopPosting.CancelAsync();
        await posting;
        // Batches of the window's last moments reach the probes after it: they get the drain to arrive.
        await Delay(product ? Drain : TimeSpan.Zero, stop);
        foreach (var v in viewers) v.Measure(false);
        var samples = viewers.SelectMany(v => v.Samples).ToList();
        var unseen = viewers.Where(v => v.Track is not null).Sum(v => v.Track!.Unseen(v.Cursor));
        await stopViewers.CancelAsync();
        await Task.WhenAll(running);

        var pushes = after.Pushes - before.Pushes;
        return new LiveReport(
            Target: product ? "product" : "barehub",
            Protocol: Protocol.HubMessages.Name(options.Protocol),
            Orgs: product ? options.Orgs : 0,
            Viewers: viewers.Count,
            Watching: watching,
            Held: held,
            Seconds: seconds,
            EventsPerSecondAsked: product ? options.EventsPerSecond : 0,
            EventsPerSecond: poster is null ? 0 : Interlocked.Read(ref poster.AcceptedInWindow) / seconds,
            FailedRequests: poster is null ? 0 : Interlocked.Read(ref poster.FailedRequests),
            Freshness: Distribution.Of(samples),
            FreshnessUnseen: unseen,
            Pushes: pushes,
            PushesPerSecond: pushes / seconds,
            PushesPerViewerPerSecond: held == 0 ? 0 : pushes / seconds / held,
            BytesReceived: after.Bytes - before.Bytes,
            BytesPerViewerPerSecond: held == 0 ? 0 : (after.Bytes - before.Bytes) / seconds / held,
            MeanPushBytes: pushes == 0 ? 0 : (double)(after.PushBytes - before.PushBytes) / pushes,
            ClientCpuPercent: clientCpuPercent,
            Servers: [.. samplers.Select(s => new ServerFigures(s.Name, s.Pid, cpu[s.Name], s.RssStartKb, rssEnd[s.Name], s.RssPeakKb,
                product ? (rssEnd[s.Name] - s.RssStartKb) / (double)options.Orgs : 0))]);
    }

    /// <summary>Organizations with a probe goal: all probes in the one organization, or one probe each in evenly spread ones.</summary>
    public static HashSet<int> ProbeOrgs(int orgs, int probes, int viewersPerOrg)
    {
        if (probes == 0 || viewersPerOrg == 0) return [];
        if (orgs == 1) return [0];
        var count = Math.Min(probes, orgs);
        return [.. Enumerable.Range(0, count).Select(i => (int)((long)i * orgs / count))];
    }

    private async Task<List<Task>> ConnectAsync(List<Viewer> viewers, CancellationToken viewerStop, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        var spacing = 1.0 / options.ConnectRate;
        var running = new List<Task>(viewers.Count);
        for (var i = 0; i < viewers.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i * spacing) - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.FromMilliseconds(1)) await Delay(due, stop);
            var viewer = viewers[i];
            running.Add(Task.Run(() => viewer.RunAsync(viewerStop), CancellationToken.None));
        }
        // Every viewer watching or failed, or a generous bound for a gateway that stops answering.
        var bound = TimeSpan.FromSeconds(30 + viewers.Count / options.ConnectRate);
        var waited = Stopwatch.GetTimestamp();
        while (viewers.Any(v => v.State == ViewerState.Connecting) && Stopwatch.GetElapsedTime(waited) < bound && !stop.IsCancellationRequested)
        {
            await Delay(TimeSpan.FromMilliseconds(200), stop);
        }
        output.WriteLine($"Connected in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s.");
        return running;
    }

    private ProcessSampler? Sampler(string name, int? pid)
    {
        if (pid is { } p) return new ProcessSampler(name, p);
        output.WriteLine($"No {name} process found to sample (pass --{(name == "silo" ? "silo" : "gateway")}-pid): its CPU and memory are not reported.");
        return null;
    }

    private static (long Bytes, long Pushes, long PushBytes) Totals(List<Viewer> viewers)
    {
        long bytes = 0, pushes = 0, pushBytes = 0;
        foreach (var v in viewers)
        {
            bytes += Volatile.Read(ref v.BytesReceived);
            pushes += Volatile.Read(ref v.Pushes);
            pushBytes += Volatile.Read(ref v.PushBytes);
        }
        return (bytes, pushes, pushBytes);
    }

    private static async Task Delay(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            if (delay > TimeSpan.Zero) await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
