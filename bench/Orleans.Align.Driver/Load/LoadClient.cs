using System.Diagnostics;
using System.Threading.Channels;
using Orleans.Align.Driver.Api;

namespace Orleans.Align.Driver.Load;

/// <summary>The measured window as <see cref="Stopwatch"/> timestamps: a request counts where it completes.</summary>
public sealed record LoadWindow(long Start, long End)
{
    public bool Contains(long timestamp) => timestamp >= Start && timestamp < End;
}

/// <summary>Running totals every client adds to, for the progress lines only; the report uses <see cref="ClientTally"/>.</summary>
public sealed class LiveCounters
{
    private long _acceptedEvents, _acknowledgedRequests, _failedRequests;

    public (long AcceptedEvents, long AcknowledgedRequests, long FailedRequests) Read() =>
        (Interlocked.Read(ref _acceptedEvents), Interlocked.Read(ref _acknowledgedRequests), Interlocked.Read(ref _failedRequests));

    public void Acknowledged(int accepted)
    {
        Interlocked.Add(ref _acceptedEvents, accepted);
        Interlocked.Increment(ref _acknowledgedRequests);
    }

    public void Failed() => Interlocked.Increment(ref _failedRequests);
}

/// <summary>What one client saw. Owned by its client while it runs, read when every client is done.</summary>
public sealed class ClientTally
{
    // Requests that completed inside the measured window.
    public long AcknowledgedRequests { get; set; }
    public long AcceptedEvents { get; set; }
    public List<double> AckLatenciesMs { get; } = [];
    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    // The whole run, warm-up and the last in-flight requests included: what the goals must have counted.
    public Dictionary<string, long> ErrorsOutsideWindow { get; } = new(StringComparer.Ordinal);
    public long AcceptedTotal { get; set; }
    public long DuplicatesTotal { get; set; }
    public long[] ExpectedByGoal { get; } = new long[LoadScenario.GoalMetrics.Count];
    public long RefusedBatches { get; set; }
    public long UnresolvedBatches { get; set; }
    /// <summary>Batches given up on during the run and sent again after the stop.</summary>
    public long ResentAfterStop { get; set; }
    public long LastAcknowledgedAt { get; set; }

    /// <summary>When the client saw the stop and sent nothing more.</summary>
    public long StoppedAt { get; set; }
}

/// <summary>
/// One integration posting batches back to back: the next batch leaves when the previous one is
/// acknowledged. A batch that fails transiently (503, a timeout, a refused connection) is sent again,
/// as an integration would; the event ids make the resend safe and tell whether the first attempt landed.
/// </summary>
public sealed class LoadClient(LoadTenant tenant, ChannelReader<PreparedBatch> batches, LoadWindow window, LiveCounters live)
{
    // Short first delays: a loaded gateway's 503 usually clears quickly; its Retry-After is honoured.
    private readonly TransientRetry _retry = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), giveUpAfter: TimeSpan.FromSeconds(30));
    // After the stop: patient, since nothing else is being sent.
    private readonly TransientRetry _settle = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), giveUpAfter: TimeSpan.FromMinutes(3));
    private readonly List<PreparedBatch> _unresolved = [];

    public ClientTally Tally { get; } = new();

    /// <param name="stopSending">Ends the run: no new batch leaves, but the one in flight (and its resends) finishes.</param>
    public async Task RunAsync(CancellationToken stopSending)
    {
        while (!stopSending.IsCancellationRequested)
        {
            PreparedBatch batch;
            try
            {
                batch = await batches.ReadAsync(stopSending);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                break;
            }

            if (await SendAsync(batch, _retry)) batch.Return();
            else _unresolved.Add(batch);
        }
        Tally.StoppedAt = Stopwatch.GetTimestamp();

        // A batch given up on under load may or may not be in the log. Once the load is off it is sent
        // again, as an integration would, until it is acknowledged: its ids make the resend safe, and its
        // answer (accepted or duplicate) tells the check what the goals must have counted. Only a batch
        // that is still unanswered after this leaves the check inexact.
        foreach (var batch in _unresolved)
        {
            Tally.ResentAfterStop++;
            if (!await SendAsync(batch, _settle)) Tally.UnresolvedBatches++;
            batch.Return();
        }
        _unresolved.Clear();
    }

    /// <returns>False when the batch was given up on: it may or may not be in the log.</returns>
    private async Task<bool> SendAsync(PreparedBatch batch, TransientRetry retry)
    {
        IngestResult result;
        try
        {
            result = await retry.RunAsync(ct => AttemptAsync(batch, ct), onRetry: null, CancellationToken.None);
        }
        catch (AlignApiException ex) when (!ex.IsTransient && !ex.IsUnauthorized)
        {
            // Refused whole (400, 413): nothing of it is in the log. Counted as an error by AttemptAsync.
            Tally.RefusedBatches++;
            return true;
        }
        catch (Exception ex) when (TransientRetry.IsTransient(ex, CancellationToken.None))
        {
            return false;
        }

        // A 200 means every event of the batch is in the log: accepted now, or reported as a duplicate
        // because an earlier attempt of this very batch (ids are never reused) landed after all.
        Tally.AcceptedTotal += result.Accepted;
        Tally.DuplicatesTotal += result.Duplicates;
        for (var g = 0; g < Tally.ExpectedByGoal.Length; g++) Tally.ExpectedByGoal[g] += batch.CountedByGoal[g];
        return true;
    }

    private async Task<IngestResult> AttemptAsync(PreparedBatch batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // IngestAsync returns only on the endpoint's 200; every other status throws.
            var result = await tenant.Ingest.IngestAsync(batch.Body, cancellationToken);
            var ended = Stopwatch.GetTimestamp();
            live.Acknowledged(result.Accepted);
            Tally.LastAcknowledgedAt = ended;
            if (window.Contains(ended))
            {
                Tally.AcknowledgedRequests++;
                Tally.AcceptedEvents += result.Accepted;
                Tally.AckLatenciesMs.Add(Stopwatch.GetElapsedTime(started, ended).TotalMilliseconds);
            }
            return result;
        }
        catch (Exception ex) when (ex is AlignApiException or HttpRequestException or OperationCanceledException)
        {
            live.Failed();
            var errors = window.Contains(Stopwatch.GetTimestamp()) ? Tally.Errors : Tally.ErrorsOutsideWindow;
            var key = ErrorKey(ex);
            errors[key] = errors.GetValueOrDefault(key) + 1;
            throw;
        }
    }

    /// <summary>The status code, or what went wrong when there was none.</summary>
    private static string ErrorKey(Exception failure) => failure switch
    {
        AlignApiException api => ((int)api.Status).ToString(System.Globalization.CultureInfo.InvariantCulture),
        HttpRequestException => "connection",
        _ => "timeout",
    };
}
