namespace Orleans.Align.Grains.Log;

/// <summary>
/// Remembers the most recent event ids, bounded by count and by age, so that a retried batch is
/// recognised. Pure and single-threaded: the ingest log grain owns one.
/// </summary>
public sealed class DedupeWindow(int maxIds, TimeSpan maxAge, TimeProvider clock)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _order = new();

    public int Count => _ids.Count;

    public bool Contains(string id) => _ids.Contains(id);

    public void Remember(string id, DateTimeOffset at)
    {
        if (!_ids.Add(id)) return;
        _order.Enqueue((id, at));
        Trim(clock.GetUtcNow());
    }

    private void Trim(DateTimeOffset now)
    {
        var oldest = now - maxAge;
        while (_order.Count > 0 && (_order.Count > maxIds || _order.Peek().At < oldest))
        {
            _ids.Remove(_order.Dequeue().Id);
        }
    }
}
