using System.Diagnostics;
using Orleans.Align.Grains;

namespace Orleans.Align.Tests.Cluster;

/// <summary>A client-side board observer that records every push and when it arrived.</summary>
public sealed class BoardRecorder : IBoardObserver
{
    private readonly Lock _gate = new();
    private readonly List<(BoardUpdate Update, long ReceivedAt)> _pushes = [];
    private BoardSnapshot? _base;

    /// <summary>Subscribes, then takes the board's snapshot as the base pushes merge onto, as a gateway does.</summary>
    public async Task WatchAsync(IBoardGrain board, IBoardObserver reference)
    {
        await board.SubscribeAsync(reference);
        var snapshot = await board.GetSnapshotAsync();
        lock (_gate) _base = snapshot;
    }

    public Task OnBoardUpdateAsync(BoardUpdate update)
    {
        lock (_gate) _pushes.Add((update, Stopwatch.GetTimestamp()));
        return Task.CompletedTask;
    }

    public IReadOnlyList<BoardUpdate> Updates
    {
        get
        {
            lock (_gate) return [.. _pushes.Select(p => p.Update)];
        }
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp of the latest push, or null before any.</summary>
    public long? LastReceivedAt
    {
        get
        {
            lock (_gate) return _pushes.Count == 0 ? null : _pushes[^1].ReceivedAt;
        }
    }

    /// <summary>
    /// The goal as a viewer that merged every push shows it: the latest whole view (or the snapshot's,
    /// after <see cref="WatchAsync"/>), with the deltas pushed after it applied in order (null before any).
    /// </summary>
    public GoalView? LatestOf(string goalId)
    {
        lock (_gate)
        {
            var view = _base?.Goals.FirstOrDefault(g => g.Id == goalId);
            foreach (var (update, _) in _pushes)
            {
                if (update.Version <= _base?.Version) continue;
                if (update.Goals.FirstOrDefault(g => g.Id == goalId) is { } whole) view = whole;
                else if (view is not null && update.Changes?.FirstOrDefault(c => c.Id == goalId) is { } delta) view = delta.ApplyTo(view);
            }
            return view;
        }
    }

    /// <summary>The ids of the goals a push carried, whole or as deltas.</summary>
    public static IEnumerable<string> GoalsIn(BoardUpdate update) => update.Goals.Select(g => g.Id).Concat(update.Changes?.Select(c => c.Id) ?? []);
}
