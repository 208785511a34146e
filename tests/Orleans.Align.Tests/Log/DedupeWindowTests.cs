using Orleans.Align.Grains.Log;
using Orleans.Align.Tests.Support;

namespace Orleans.Align.Tests.Log;

/// <summary>The dedupe window remembers recent event ids, bounded by how many and by how old.</summary>
public sealed class DedupeWindowTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(Start);

    [Fact]
    public void Remembered_id_is_recognised_and_an_unseen_one_is_not()
    {
        var window = new DedupeWindow(maxIds: 10, TimeSpan.FromHours(1), _clock);

        window.Remember("e1", _clock.GetUtcNow());

        Assert.True(window.Contains("e1"));
        Assert.False(window.Contains("e2"));
    }

    [Fact]
    public void Ids_are_compared_exactly()
    {
        var window = new DedupeWindow(maxIds: 10, TimeSpan.FromHours(1), _clock);

        window.Remember("order-1", _clock.GetUtcNow());

        Assert.False(window.Contains("ORDER-1"));
        Assert.False(window.Contains("order-1 "));
    }

    [Fact]
    public void Remembering_an_id_twice_keeps_it_once()
    {
        var window = new DedupeWindow(maxIds: 10, TimeSpan.FromHours(1), _clock);

        window.Remember("e1", _clock.GetUtcNow());
        window.Remember("e1", _clock.GetUtcNow());

        Assert.Equal(1, window.Count);
    }

    [Fact]
    public void Beyond_the_count_bound_the_oldest_ids_are_forgotten_first()
    {
        var window = new DedupeWindow(maxIds: 3, TimeSpan.FromHours(1), _clock);

        foreach (var id in new[] { "e1", "e2", "e3", "e4", "e5" }) window.Remember(id, _clock.GetUtcNow());

        Assert.Equal(3, window.Count);
        Assert.False(window.Contains("e1"));
        Assert.False(window.Contains("e2"));
        Assert.True(window.Contains("e3"));
        Assert.True(window.Contains("e4"));
        Assert.True(window.Contains("e5"));
    }

    [Fact]
    public void Ids_younger_than_the_age_bound_are_kept()
    {
        var window = new DedupeWindow(maxIds: 10, TimeSpan.FromHours(1), _clock);
        window.Remember("e1", _clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromMinutes(59));
        window.Remember("e2", _clock.GetUtcNow());

        Assert.True(window.Contains("e1"));
        Assert.Equal(2, window.Count);
    }

    [Fact]
    public void Ids_older_than_the_age_bound_are_forgotten_when_the_window_next_takes_an_id()
    {
        var window = new DedupeWindow(maxIds: 10, TimeSpan.FromHours(1), _clock);
        window.Remember("e1", _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromMinutes(30));
        window.Remember("e2", _clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromMinutes(31));
        window.Remember("e3", _clock.GetUtcNow());

        Assert.False(window.Contains("e1"));
        Assert.True(window.Contains("e2"));
        Assert.True(window.Contains("e3"));
        Assert.Equal(2, window.Count);
    }

    [Fact]
    public void Age_is_counted_from_the_time_an_id_was_remembered_at()
    {
        var window = new DedupeWindow(maxIds: 10, TimeSpan.FromHours(1), _clock);

        window.Remember("old", _clock.GetUtcNow() - TimeSpan.FromMinutes(61));
        window.Remember("recent", _clock.GetUtcNow() - TimeSpan.FromMinutes(59));

        Assert.False(window.Contains("old"));
        Assert.True(window.Contains("recent"));
    }

    [Fact]
    public void Forgotten_id_can_be_remembered_again()
    {
        var window = new DedupeWindow(maxIds: 2, TimeSpan.FromHours(1), _clock);
        foreach (var id in new[] { "e1", "e2", "e3" }) window.Remember(id, _clock.GetUtcNow());

        window.Remember("e1", _clock.GetUtcNow());

        Assert.True(window.Contains("e1"));
        Assert.True(window.Contains("e3"));
        Assert.False(window.Contains("e2"));
    }
}
