using System.Diagnostics;

namespace Orleans.Align.LiveBench.Measure;

/// <summary>
/// The probe goal of one organization: what the poster sent to it, in order, as the goal's expected
/// cumulative value after each batch. A probe viewer that reads a value at or above a batch's expected
/// value has that batch's events; the time since the batch left is its freshness. Batches are in flight
/// concurrently, so a value may arrive in another order than sent: the sum cannot tell which batch it
/// was, and the sample is then at most as old as the batch it counts (the error is one request's spread).
/// </summary>
public sealed class ProbeTrack(string orgId, string goalId)
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private double _total;

    public string OrgId { get; } = orgId;
    public string GoalId { get; } = goalId;

    public sealed class Entry
    {
        public int Index { get; init; }
        public double Expected { get; set; }
        public double Increment { get; init; }
        public long SentAt { get; init; }
        public bool Measured { get; init; }
        public bool Cancelled { get; set; }
    }

    /// <summary>The goal's value before the run, as the API reads it.</summary>
    public void Start(double value)
    {
        lock (_gate) _total = value;
    }

    /// <summary>A batch adding <paramref name="increment"/> to the goal leaves now; <paramref name="measured"/>: inside the measured window.</summary>
    public Entry Sent(double increment, bool measured, long sentAt)
    {
        lock (_gate)
        {
            _total += increment;
            var entry = new Entry { Index = _entries.Count, Expected = _total, Increment = increment, SentAt = sentAt, Measured = measured };
            _entries.Add(entry);
            return entry;
        }
    }

    /// <summary>The batch was refused or never answered: later batches expect that much less.</summary>
    public void Failed(Entry entry)
    {
        lock (_gate)
        {
            if (entry.Cancelled) return;
            entry.Cancelled = true;
            _total -= entry.Increment;
            for (var i = entry.Index + 1; i < _entries.Count; i++) _entries[i].Expected -= entry.Increment;
        }
    }

    /// <summary>
    /// A probe viewer read <paramref name="value"/> at <paramref name="now"/>: every batch it had not
    /// seen yet and that value covers becomes a freshness sample (milliseconds).
    /// </summary>
    public void Read(ref int cursor, double value, long now, List<double> samples)
    {
        lock (_gate)
        {
            while (cursor < _entries.Count && (_entries[cursor].Cancelled || _entries[cursor].Expected <= value + 1e-9))
            {
                var entry = _entries[cursor++];
                if (entry.Cancelled || !entry.Measured) continue;
                samples.Add(Stopwatch.GetElapsedTime(entry.SentAt, now).TotalMilliseconds);
            }
        }
    }

    /// <summary>Measured batches a viewer of this goal had not seen when the run ended.</summary>
    public int Unseen(int cursor)
    {
        lock (_gate) return _entries.Skip(cursor).Count(e => e.Measured && !e.Cancelled);
    }
}
