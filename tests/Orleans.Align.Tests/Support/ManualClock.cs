namespace Orleans.Align.Tests.Support;

/// <summary>
/// A clock that moves only when a test moves it. Safe to read from silo threads while a test moves
/// it: the time is kept as one 64-bit tick count, never torn.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);

    /// <summary>Moves the clock forward to <paramref name="moment"/>; a clock that goes back is a mistake in the test.</summary>
    public void AdvanceTo(DateTimeOffset moment)
    {
        var now = GetUtcNow();
        if (moment < now) throw new InvalidOperationException($"The clock is at {now:O} and does not go back to {moment:O}.");
        Advance(moment - now);
    }
}
