using System.Diagnostics;
using Orleans.Align.Driver.Api;
using Orleans.Align.Driver.Scenario;

namespace Orleans.Align.Driver.Demo;

public sealed record SimulationTotals(long Batches, long ResentBatches, long EventsSent, long Accepted, long Duplicates, long Retries);

/// <summary>
/// Posts the launch's traffic at a steady pace until cancelled. Now and then it sends an earlier
/// batch again, as a real integration does after a lost response, so the audience sees the gateway
/// count it as duplicates. While the gateway is away it keeps retrying the same batch.
/// </summary>
public sealed class EventSimulator(AlignApiClient client, LaunchEventGenerator events, double batchesPerSecond, TextWriter output)
{
    private const int ResendOneIn = 20;
    private const int RememberedBatches = 20;
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(5);

    // The gateway's outages are a silo restarting or a deploy: worth waiting out, however long.
    private readonly TransientRetry _retry = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));
    private readonly Queue<IReadOnlyList<MetricEvent>> _recent = new();
    private readonly Random _random = new();

    private long _batches, _resent, _sent, _accepted, _duplicates, _retries;

    public async Task<SimulationTotals> RunAsync(CancellationToken cancellationToken)
    {
        output.WriteLine($"Sending about {batchesPerSecond:0.##} batches of 1-{LaunchEventGenerator.MaxBatchSize} events a second. Press Ctrl-C to stop.");
        using var pace = new PeriodicTimer(TimeSpan.FromSeconds(1 / batchesPerSecond));
        var sinceStatus = Stopwatch.StartNew();
        try
        {
            while (await pace.WaitForNextTickAsync(cancellationToken))
            {
                await SendNextAsync(cancellationToken);
                if (sinceStatus.Elapsed >= StatusInterval)
                {
                    WriteStatus();
                    sinceStatus.Restart();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal way out of the demo.
        }
        finally
        {
            // Also when a refusal ends the run: the totals say how far it got.
            WriteStatus();
        }
        return new SimulationTotals(_batches, _resent, _sent, _accepted, _duplicates, _retries);
    }

    private async Task SendNextAsync(CancellationToken cancellationToken)
    {
        var resend = _recent.Count > 0 && _random.Next(ResendOneIn) == 0;
        var batch = resend ? _recent.ElementAt(_random.Next(_recent.Count)) : events.NextBatch();

        var result = await _retry.RunAsync(ct => client.IngestAsync(batch, ct), OnRetry, cancellationToken);

        _batches++;
        if (resend) _resent++;
        _sent += batch.Count;
        _accepted += result.Accepted;
        _duplicates += result.Duplicates;
        if (!resend)
        {
            _recent.Enqueue(batch);
            if (_recent.Count > RememberedBatches) _recent.Dequeue();
        }
    }

    private void OnRetry(Exception failure, TimeSpan delay, int attempt)
    {
        _retries++;
        output.WriteLine($"[{DateTime.Now:HH:mm:ss}] gateway unavailable ({TransientRetry.Describe(failure)}); " +
            $"sending the same batch again in {delay.TotalSeconds:0.0} s (attempt {attempt + 1})");
    }

    private void WriteStatus() =>
        output.WriteLine($"[{DateTime.Now:HH:mm:ss}] sent {_sent:N0} events in {_batches:N0} batches ({_resent:N0} resent) · " +
            $"accepted {_accepted:N0} · duplicates {_duplicates:N0}" + (_retries > 0 ? $" · retries {_retries:N0}" : ""));
}
