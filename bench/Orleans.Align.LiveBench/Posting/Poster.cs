using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Orleans.Align.Driver.Api;
using Orleans.Align.LiveBench.Measure;
using Orleans.Align.LiveBench.Setup;

namespace Orleans.Align.LiveBench.Posting;

/// <summary>An organization the poster sends to, with its probe goal's track when a probe viewer watches it.</summary>
public sealed record PostTarget(BenchOrg Org, AlignApiClient Client, ProbeTrack? Probe);

/// <summary>
/// Posts events at a steady rate in batches, round robin over the organizations; inside a batch the
/// events go round robin over the organization's goals, each worth 1, so the probe goal (goal 0) grows
/// by a known amount per batch. A batch that cannot leave on time because <c>concurrency</c> requests
/// are in flight waits: the rate reached is then below the rate asked, and the report says so.
/// </summary>
public sealed class Poster(IReadOnlyList<PostTarget> targets, int batchSize, double eventsPerSecond, int concurrency)
{
    private readonly SemaphoreSlim _inFlight = new(concurrency, concurrency);
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private long _sequence;
    private volatile bool _measuring;

    public long AcceptedInWindow;
    public long FailedRequests;
    public long Requests;

    /// <summary>Batches sent from now on are freshness samples and their events count as reached.</summary>
    public void Measure(bool on) => _measuring = on;

    public async Task RunAsync(CancellationToken stop)
    {
        var interval = TimeSpan.FromSeconds(batchSize / eventsPerSecond);
        var next = Stopwatch.GetTimestamp();
        var pending = new List<Task>();
        var i = 0L;
        while (!stop.IsCancellationRequested)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, stop);
                await _inFlight.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            pending.Add(SendAsync(targets[(int)(i++ % targets.Count)]));
            if (pending.Count > 1000) pending.RemoveAll(t => t.IsCompleted);
            next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
            // Fallen more than a second behind: the rate is out of reach; do not burst to catch up.
            if (Stopwatch.GetElapsedTime(next) > TimeSpan.FromSeconds(1)) next = Stopwatch.GetTimestamp();
        }
        await Task.WhenAll(pending);
    }

    private async Task SendAsync(PostTarget target)
    {
        try
        {
            var measured = _measuring;
            var (body, increment) = Batch(target.Org.Goals);
            var sentAt = Stopwatch.GetTimestamp();
            var entry = target.Probe?.Sent(increment, measured, sentAt);
            Interlocked.Increment(ref Requests);
            try
            {
                var result = await target.Client.IngestAsync(body, CancellationToken.None);
                if (_measuring) Interlocked.Add(ref AcceptedInWindow, result.Accepted);
            }
            catch (Exception ex) when (ex is AlignApiException or HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref FailedRequests);
                if (entry is not null) target.Probe!.Failed(entry);
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>The serialized batch and how much it adds to goal 0.</summary>
    private (ReadOnlyMemory<byte> Body, double ProbeIncrement) Batch(int goals)
    {
        var buffer = new ArrayBufferWriter<byte>(batchSize * 110);
        var timestamp = DateTimeOffset.UtcNow;
        var probe = 0;
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            for (var e = 0; e < batchSize; e++)
            {
                var goal = e % goals;
                if (goal == 0) probe++;
                json.WriteStartObject();
                json.WriteString("id", $"lb-{_run}-{Interlocked.Increment(ref _sequence)}");
                json.WriteString("metric", BenchOrganizations.Metrics[goal]);
                json.WriteNumber("value", 1);
                json.WriteString("timestamp", timestamp);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return (buffer.WrittenMemory, probe);
    }
}
