using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Orleans.Align.Tests.Support;

/// <summary>
/// Every measurement of one meter (by name, whichever instance) while it lives, with its tags, as an
/// OpenTelemetry exporter would receive it; observable instruments are read on <see cref="Observe"/>.
/// Meters are process-wide: tests running in parallel record into it too, so tests look for their own values.
/// </summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public ConcurrentQueue<Measured> Measurements { get; } = new();

    public sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    public MeterRecorder(string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Add(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Add(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Add(i, value, tags));
        _listener.Start();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        Measurements.Enqueue(new Measured(instrument.Name, value, copy));
    }

    public IReadOnlyList<Measured> Of(string instrument) => [.. Measurements.Where(m => m.Instrument == instrument)];

    /// <summary>Reads the observable instruments now; the value the named one reported.</summary>
    public double Observe(string instrument)
    {
        var before = Measurements.Count;
        _listener.RecordObservableInstruments();
        return Measurements.Skip(before).Last(m => m.Instrument == instrument).Value;
    }

    public void Dispose() => _listener.Dispose();
}
