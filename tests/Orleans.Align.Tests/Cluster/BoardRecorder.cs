using System.Diagnostics;
using Orleans.Align.Grains;

namespace Orleans.Align.Tests.Cluster;

/// <summary>A client-side board observer that records every push and when it arrived.</summary>
public sealed class BoardRecorder : IBoardObserver
{
    private readonly Lock _gate = new();
    private readonly List<(BoardUpdate Update, long ReceivedAt)> _pushes = [];

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

    /// <summary>The latest pushed view of a goal.</summary>
    public GoalView? LatestOf(string goalId)
    {
        lock (_gate)
        {
            for (var i = _pushes.Count - 1; i >= 0; i--)
            {
                if (_pushes[i].Update.Goals.FirstOrDefault(g => g.Id == goalId) is { } view) return view;
            }
            return null;
        }
    }
}
