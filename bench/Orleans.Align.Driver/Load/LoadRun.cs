using System.Buffers;
using System.Diagnostics;

namespace Orleans.Align.Driver.Load;

/// <summary>Everything the clients and producers measured, merged once they are done.</summary>
public sealed record LoadFigures(
    TimeSpan Measured,
    bool Interrupted,
    IReadOnlyList<ClientTally> Tallies,
    IReadOnlyList<long[]> ExpectedByGoalPerTenant,
    long BodiesBuilt,
    TimeSpan BodyBuildTime,
    double? DriverCpuPercentOfOneCore);

/// <summary>
/// Runs the clients: a warm-up that is not measured, then the measured window, then waits for the
/// requests still in flight (they are not measured either, but the goals will count them).
/// </summary>
public sealed class LoadRun(LoadOptions options, IReadOnlyList<LoadTenant> tenants, TextWriter output)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    public async Task<LoadFigures> RunAsync(DateTimeOffset eventTime, CancellationToken stopping)
    {
        // Enough arrays for every client's batch in flight and the ones waiting, so bodies are reused, not reallocated.
        var pool = ArrayPool<byte>.Create(maxArrayLength: 64 * 1024 * 1024, maxArraysPerBucket: options.Clients * 3 + 16);
        var clientsOf = new int[tenants.Count];
        for (var c = 0; c < options.Clients; c++) clientsOf[c % tenants.Count]++;
        var producers = tenants.Select((_, t) => new BatchProducer(options.BatchSize, ahead: 2 * clientsOf[t], eventTime, pool)).ToList();

        var begin = Stopwatch.GetTimestamp();
        var window = new LoadWindow(begin + Ticks(options.Warmup), begin + Ticks(options.Warmup + options.Duration));
        var live = new LiveCounters();
        var clients = Enumerable.Range(0, options.Clients)
            .Select(c => new LoadClient(tenants[c % tenants.Count], producers[c % tenants.Count].Batches, window, live))
            .ToList();

        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        stopSending.CancelAfter(options.Warmup + options.Duration);

        output.WriteLine($"Running {options.Clients} clients, batches of {options.BatchSize}: warm-up {options.Warmup.TotalSeconds:0.#} s, " +
            $"then {options.Duration.TotalSeconds:0.#} s measured.");
        var producing = producers.Select(p => Task.Run(() => p.RunAsync(stopSending.Token))).ToList();
        var cpu = MeasureDriverCpuAsync(window, stopping);
        var progress = ReportProgressAsync(live, begin, window, stopSending.Token);
        var sending = clients.Select(c => RunClientAsync(c, stopSending)).ToList();

        try
        {
            await Task.WhenAll(sending);
        }
        finally
        {
            await stopSending.CancelAsync();
            await Task.WhenAll(producing);
            await progress;
        }

        // Stopped early (Ctrl-C, SIGTERM): the window ends when the first client saw the stop. Read from the
        // clients rather than from a callback on the token: callbacks run last-registered first, and one
        // registered at the start was seen not to run at all when the stop came from the signal handler.
        var interrupted = stopping.IsCancellationRequested;
        var windowEnd = interrupted ? Math.Min(window.End, clients.Min(c => c.Tally.StoppedAt)) : window.End;
        var measured = windowEnd > window.Start ? Stopwatch.GetElapsedTime(window.Start, windowEnd) : TimeSpan.Zero;
        var tallies = clients.Select(c => c.Tally).ToList();
        var expected = tenants.Select((_, t) =>
        {
            var sum = new long[LoadScenario.GoalMetrics.Count];
            for (var c = t; c < clients.Count; c += tenants.Count)
                for (var g = 0; g < sum.Length; g++) sum[g] += tallies[c].ExpectedByGoal[g];
            return sum;
        }).ToList();
        var work = producers.Select(p => p.Work).ToList();
        return new LoadFigures(measured, interrupted, tallies, expected,
            work.Sum(w => w.Count), TimeSpan.FromTicks(work.Sum(w => w.Spent.Ticks)), await cpu);
    }

    /// <summary>A client that fails for good (a refused key, an answer that is not JSON) stops the others.</summary>
    private static async Task RunClientAsync(LoadClient client, CancellationTokenSource stopSending)
    {
        try
        {
            await client.RunAsync(stopSending.Token);
        }
        catch
        {
            await stopSending.CancelAsync();
            throw;
        }
    }

    /// <summary>
    /// The driver shares the machine with what it measures, so the report says how much CPU it took
    /// over the window. Null when the run was interrupted before the window ended.
    /// </summary>
    private static async Task<double?> MeasureDriverCpuAsync(LoadWindow window, CancellationToken stopping)
    {
        using var process = Process.GetCurrentProcess();
        try
        {
            await Task.Delay(Remaining(window.Start), stopping);
            process.Refresh();
            var (cpu0, t0) = (process.TotalProcessorTime, Stopwatch.GetTimestamp());
            await Task.Delay(Remaining(window.End), stopping);
            process.Refresh();
            return (process.TotalProcessorTime - cpu0) / Stopwatch.GetElapsedTime(t0) * 100;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private async Task ReportProgressAsync(LiveCounters live, long begin, LoadWindow window, CancellationToken stop)
    {
        var (lastEvents, lastRequests, lastFailed) = live.Read();
        var lastAt = begin;
        using var timer = new PeriodicTimer(ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = Stopwatch.GetTimestamp();
                var (events, requests, failed) = live.Read();
                var seconds = Stopwatch.GetElapsedTime(lastAt, now).TotalSeconds;
                var phase = lastAt < window.Start ? "warm-up" : "measured";
                output.WriteLine($"  [{Stopwatch.GetElapsedTime(begin, now).TotalSeconds,4:0} s {phase,-8}] {(events - lastEvents) / seconds,10:N0} events/s " +
                    $"{(requests - lastRequests) / seconds,7:N0} requests/s   failed requests {failed - lastFailed:N0}");
                (lastEvents, lastRequests, lastFailed, lastAt) = (events, requests, failed, now);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static TimeSpan Remaining(long timestamp) =>
        timestamp > Stopwatch.GetTimestamp() ? Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp) : TimeSpan.Zero;
}
