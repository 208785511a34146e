using System.Diagnostics;

namespace Orleans.Align.Grains.Log;

/// <summary>
/// Which ingest spans appended which stretch of the log, and when it was acknowledged: one entry per
/// group commit, the last <see cref="Capacity"/> of them, in memory only. A delivery asks for the
/// range it hands over and links its span to those ingests; a range older than what is kept (a view far
/// behind, a replay after a restart) simply has no origin.
/// </summary>
internal sealed class IngestTraces
{
    public const int Capacity = 1024;

    private readonly Queue<(long From, long Through, ActivityContext[] Ingests, DateTimeOffset Acknowledged)> _commits = new();

    /// <summary>Sequences <c>(from, through]</c> were acknowledged at <paramref name="acknowledged"/> to the callers whose spans are <paramref name="ingests"/>.</summary>
    public void Record(long from, long through, IEnumerable<ActivityContext> ingests, DateTimeOffset acknowledged)
    {
        var spans = ingests.Where(c => c != default).Distinct().Take(LiveOrigin.MaxLinks).ToArray();
        if (_commits.Count == Capacity) _commits.Dequeue();
        _commits.Enqueue((from, through, spans, acknowledged));
    }

    /// <summary>The ingests and oldest acknowledgement of the events in <c>(from, through]</c>, or null if none is known.</summary>
    public LiveOrigin? For(long from, long through)
    {
        LiveOrigin? origin = null;
        foreach (var commit in _commits)
        {
            if (commit.Through <= from) continue;
            if (commit.From >= through) break;
            origin ??= new LiveOrigin();
            origin.Acknowledged(commit.Acknowledged);
            foreach (var ingest in commit.Ingests) origin.Add(ingest);
        }
        return origin;
    }
}
