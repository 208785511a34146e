using Orleans.Align.Grains.Boards;

namespace Orleans.Align.Tests.Live;

/// <summary><see cref="PushPacer"/>: leading edge after quiet, trailing edge within the interval.</summary>
public sealed class PushPacerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void The_first_change_ever_and_the_first_after_a_quiet_interval_go_at_once()
    {
        var pacer = new PushPacer(Interval);
        Assert.Equal(TimeSpan.Zero, pacer.WaitAt(T0));

        pacer.Pushed(T0);

        Assert.Equal(TimeSpan.Zero, pacer.WaitAt(T0 + Interval));
        Assert.Equal(TimeSpan.Zero, pacer.WaitAt(T0 + TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_change_within_the_interval_after_a_push_waits_for_the_interval_s_end()
    {
        var pacer = new PushPacer(Interval);
        pacer.Pushed(T0);

        Assert.Equal(TimeSpan.FromMilliseconds(99), pacer.WaitAt(T0 + TimeSpan.FromMilliseconds(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(30), pacer.WaitAt(T0 + TimeSpan.FromMilliseconds(70)));
    }

    [Fact]
    public void A_burst_of_changes_every_millisecond_for_a_second_is_pushed_at_once_and_then_at_most_once_per_interval()
    {
        // The board's logic, driven by simulated time: a change either pushes now or sets the one timer,
        // and the timer pushes what came meanwhile.
        var pacer = new PushPacer(Interval);
        List<DateTimeOffset> pushes = [];
        DateTimeOffset? timer = null;
        for (var ms = 0; ms <= 1_000; ms++)
        {
            var now = T0.AddMilliseconds(ms);
            if (timer <= now) { pushes.Add(now); pacer.Pushed(now); timer = null; }
            if (timer is not null) continue;
            var wait = pacer.WaitAt(now);
            if (wait == TimeSpan.Zero) { pushes.Add(now); pacer.Pushed(now); }
            else timer = now + wait;
        }

        Assert.Equal(T0, pushes[0]); // the first change did not wait
        Assert.InRange(pushes.Count, 10, 11);
        Assert.All(pushes.Zip(pushes.Skip(1)), p => Assert.True(p.Second - p.First >= Interval, $"{p.First:ss.fff} then {p.Second:ss.fff}"));
    }
}
