using Orleans.Align.Grains.Log.Dedupe;

namespace Orleans.Align.Tests.Log.Dedupe;

/// <summary>An event's content fingerprint tells a resend (same content) from a conflict (different content).</summary>
public sealed class EventFingerprintTests
{
    private static readonly DateTimeOffset At = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly MetricEvent Original = new("e1", "leads", 3, At, "launch", "marketing", "hubspot");

    [Fact]
    public void The_same_content_has_the_same_fingerprint_whatever_the_id()
    {
        Assert.Equal(EventFingerprint.OfContent(Original), EventFingerprint.OfContent(Original with { Id = "other" }));
    }

    public static TheoryData<string, MetricEvent> Changes() => new()
    {
        { "metric", Original with { Metric = "visits" } },
        { "value", Original with { Value = 3.0000001 } },
        { "time", Original with { Timestamp = At.AddMilliseconds(1) } },
        { "campaign", Original with { Campaign = "spring-sale" } },
        { "no campaign", Original with { Campaign = null } },
        { "empty campaign", Original with { Campaign = "" } },
        { "department", Original with { Department = "sales" } },
        { "source", Original with { Source = "stripe" } },
        { "fields run together", Original with { Campaign = "launchm", Department = "arketing" } },
        { "activity", Original with { Activity = "webinar" } },
        { "another activity", (Original with { Activity = "webinar" }) with { Activity = "press" } },
        { "source and activity run together", Original with { Source = "hub", Activity = "spot" } },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Any_change_of_content_changes_the_fingerprint(string change, MetricEvent changed)
    {
        Assert.True(EventFingerprint.OfContent(Original) != EventFingerprint.OfContent(changed), change);
    }

    [Fact]
    public void Time_counts_to_the_millisecond_the_log_keeps_and_not_the_offset()
    {
        var sameInstant = Original with { Timestamp = At.AddTicks(5_000).ToOffset(TimeSpan.FromHours(2)) };

        Assert.Equal(EventFingerprint.OfContent(Original), EventFingerprint.OfContent(sameInstant));
    }

    [Fact]
    public void The_time_the_gateway_assigned_is_not_content()
    {
        var first = Original with { TimestampAssigned = true };
        var resentLater = Original with { Timestamp = At.AddMinutes(5), TimestampAssigned = true };

        Assert.Equal(EventFingerprint.OfContent(first), EventFingerprint.OfContent(resentLater));
        Assert.NotEqual(EventFingerprint.OfContent(Original), EventFingerprint.OfContent(first));
    }

    [Fact]
    public void Ids_hash_by_their_exact_text()
    {
        Assert.NotEqual(EventFingerprint.OfId("order-1"), EventFingerprint.OfId("ORDER-1"));
        Assert.Equal(EventFingerprint.OfId("order-1"), EventFingerprint.OfId("order-1"));
    }
}
