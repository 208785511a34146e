using Orleans.Align.Grains.Log;

namespace Orleans.Align.Grains.Views;

/// <summary>A view of the log as <see cref="LogFollower"/> sees it: a position, and a way to apply events past it.</summary>
public interface ILogView
{
    /// <summary>The log sequence this view has applied through; anything at or below it is skipped.</summary>
    long AppliedThrough { get; set; }

    /// <summary>Applies, in order, the events past <see cref="AppliedThrough"/>, moving it to each one. Returns how many counted.</summary>
    int Apply(IEnumerable<LoggedEvent> events);
}

/// <summary>
/// The exactly-once rule every view of the log shares (goals, campaigns, departments): a range at or
/// below the view's position is old news; a range that starts past it means a handover was lost or
/// dropped, so the gap is read from the log first; a gap this silo cannot read yet refuses the range
/// (retryable), because taking it would skip the gap for good.
/// </summary>
public sealed class LogFollower(IEventLogStore log, string orgId, int pageSize)
{
    /// <summary>Applies the range. Moved: something counted; Advanced: the position moved.</summary>
    public async Task<(bool Moved, bool Advanced)> ApplyRangeAsync(ILogView view, LogRange range, string what)
    {
        var before = view.AppliedThrough;
        var moved = false;
        if (range.From > view.AppliedThrough)
        {
            moved = await CatchUpAsync(view, range.From, CancellationToken.None);
            // The log must hold the gap: the ingest grain wrote it before handing this range over.
            if (view.AppliedThrough < range.From)
                throw new AlignException(AlignErrorKind.Unavailable,
                    $"{what} read the log only through {view.AppliedThrough}, short of {range.From}, where the range handed over starts; retry later.");
        }
        moved |= view.Apply(range.Events) > 0;
        // Nothing else in the range counts for this view, so it has seen everything through its end.
        view.AppliedThrough = Math.Max(view.AppliedThrough, range.Through);
        return (moved, view.AppliedThrough != before);
    }

    /// <summary>Reads the log past the view's position, through <paramref name="until"/>. Returns whether anything counted.</summary>
    public async Task<bool> CatchUpAsync(ILogView view, long until, CancellationToken cancellationToken)
    {
        var moved = false;
        while (view.AppliedThrough < until)
        {
            var want = (int)Math.Min(pageSize, until - view.AppliedThrough);
            var page = await log.ReadAsync(orgId, view.AppliedThrough + 1, want, cancellationToken);
            if (page.Count == 0) return moved;
            moved |= view.Apply(page.Where(e => e.Sequence <= until)) > 0;
        }
        return moved;
    }
}
