using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace Orleans.Align.Driver.Load;

/// <summary>
/// One ingest request body, serialized and ready to send, with what the driver needs to check the
/// goals afterwards: how many of its events each goal should count. The bytes are rented; whoever
/// finishes with the batch calls <see cref="Return"/>.
/// </summary>
public sealed class PreparedBatch(ArrayPool<byte> pool, byte[] buffer, int length, int events, int[] countedByGoal)
{
    public ReadOnlyMemory<byte> Body => buffer.AsMemory(0, length);

    public int Events { get; } = events;

    /// <summary>Indexed like <see cref="LoadScenario.GoalMetrics"/>.</summary>
    public IReadOnlyList<int> CountedByGoal { get; } = countedByGoal;

    public void Return() => pool.Return(buffer);
}

/// <summary>
/// Builds one organization's request bodies on a background task, a little ahead of the clients that
/// send them, so the generator's JSON work is not on the clients' path (and its cost is measured apart).
/// Every event id is new within the organization, so every acknowledged event is accepted, not a duplicate.
/// </summary>
public sealed class BatchProducer
{
    private static readonly JsonEncodedText EventsName = JsonEncodedText.Encode("events");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText MetricName = JsonEncodedText.Encode("metric");
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText CampaignName = JsonEncodedText.Encode("campaign");
    private static readonly JsonEncodedText DepartmentName = JsonEncodedText.Encode("department");
    private static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText[] Metrics =
        [.. Enumerable.Range(0, LoadScenario.GoalMetrics.Count + 1).Select(i => JsonEncodedText.Encode(LoadScenario.MetricAt(i)))];
    private static readonly double[] Values =
        [.. Enumerable.Range(0, LoadScenario.GoalMetrics.Count + 1).Select(LoadScenario.ValueOf)];
    private static readonly JsonEncodedText Campaign = JsonEncodedText.Encode(LoadScenario.CampaignId);
    private static readonly JsonEncodedText Department = JsonEncodedText.Encode(LoadScenario.DepartmentId);
    private static readonly JsonEncodedText Source = JsonEncodedText.Encode(LoadScenario.Source);

    private readonly Channel<PreparedBatch> _ready;
    private readonly ArrayPool<byte> _pool;
    private readonly int _batchSize;
    private readonly JsonEncodedText _timestamp;
    private readonly ArrayBufferWriter<byte> _scratch;
    private long _nextEvent;
    private long _built;
    private long _buildTicks;

    /// <param name="ahead">How many bodies wait ready; about two per client keeps every client fed.</param>
    /// <param name="timestamp">Every event's time: inside the goals' period and never in the future.</param>
    public BatchProducer(int batchSize, int ahead, DateTimeOffset timestamp, ArrayPool<byte> pool)
    {
        _batchSize = batchSize;
        _pool = pool;
        _timestamp = JsonEncodedText.Encode(timestamp.UtcDateTime.ToString("O"));
        _scratch = new ArrayBufferWriter<byte>(batchSize * 192);
        _ready = Channel.CreateBounded<PreparedBatch>(new BoundedChannelOptions(ahead) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public ChannelReader<PreparedBatch> Batches => _ready.Reader;

    /// <summary>Bodies built so far, and the time spent building them.</summary>
    public (long Count, TimeSpan Spent) Work => (Interlocked.Read(ref _built), Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _buildTicks)));

    /// <summary>Fills the queue until <paramref name="stop"/>, then hands back the bodies nobody took.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (await _ready.Writer.WaitToWriteAsync(stop))
            {
                var started = Stopwatch.GetTimestamp();
                var batch = Build();
                Interlocked.Add(ref _buildTicks, Stopwatch.GetTimestamp() - started);
                Interlocked.Increment(ref _built);
                if (!_ready.Writer.TryWrite(batch)) batch.Return();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over.
        }
        finally
        {
            _ready.Writer.TryComplete();
            while (_ready.Reader.TryRead(out var unsent)) unsent.Return();
        }
    }

    private PreparedBatch Build()
    {
        var counted = new int[LoadScenario.GoalMetrics.Count];
        Span<byte> id = stackalloc byte[32];
        "ev-"u8.CopyTo(id);
        _scratch.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_scratch, new JsonWriterOptions { SkipValidation = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray(EventsName);
            for (var i = 0; i < _batchSize; i++)
            {
                var n = _nextEvent++;
                var (metric, inCampaign) = LoadScenario.Shape(n);
                json.WriteStartObject();
                n.TryFormat(id[3..], out var digits, "D12");
                json.WriteString(IdName, id[..(3 + digits)]);
                json.WriteString(MetricName, Metrics[metric]);
                json.WriteNumber(ValueName, Values[metric]);
                json.WriteString(TimestampName, _timestamp);
                if (inCampaign) json.WriteString(CampaignName, Campaign);
                json.WriteString(DepartmentName, Department);
                json.WriteString(SourceName, Source);
                json.WriteEndObject();
                if (inCampaign && metric < counted.Length) counted[metric]++;
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }

        var body = _scratch.WrittenSpan;
        var buffer = _pool.Rent(body.Length);
        body.CopyTo(buffer);
        return new PreparedBatch(_pool, buffer, body.Length, _batchSize, counted);
    }
}
