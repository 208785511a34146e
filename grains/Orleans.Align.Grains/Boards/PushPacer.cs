namespace Orleans.Align.Grains.Boards;

/// <summary>
/// When a board pushes: leading and trailing edge. The first change after a quiet interval goes out at
/// once (a quiet board is as fresh as the network allows); a change within the interval after a push
/// waits for the interval's end, with every other change that arrives meanwhile (a busy board pushes
/// at most once per interval). Pure: the board passes the time in.
/// </summary>
public sealed class PushPacer(TimeSpan interval)
{
    private DateTimeOffset _lastPush = DateTimeOffset.MinValue;

    public TimeSpan Interval { get; } = interval;

    /// <summary>How long a change arriving at <paramref name="now"/> waits before the push that carries it; zero: push now.</summary>
    public TimeSpan WaitAt(DateTimeOffset now)
    {
        if (_lastPush == DateTimeOffset.MinValue) return TimeSpan.Zero;
        var wait = _lastPush + Interval - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    public void Pushed(DateTimeOffset at) => _lastPush = at;
}
