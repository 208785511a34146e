using System.Text;
using Orleans.Align.Silo.Storage;

namespace Orleans.Align.Persistence.Tests.Log;

/// <summary>The log's line format keeps a resolved correction whole, and lines of events written before corrections existed read as before.</summary>
public sealed class LogRecordFormatTests
{
    private static List<LoggedEvent> RoundTrip(IReadOnlyList<LoggedEvent> events)
    {
        var read = new List<LoggedEvent>();
        LogRecordFormat.Decode(LogRecordFormat.Encode(events), (e, _) => { read.Add(e); return true; });
        return read;
    }

    [Fact]
    public void A_correction_is_stored_with_what_it_corrects_the_value_it_replaced_and_its_own_time()
    {
        var sold = new DateTimeOffset(2025, 3, 31, 18, 0, 0, TimeSpan.Zero);
        var refunded = new DateTimeOffset(2025, 4, 3, 9, 30, 0, 123, TimeSpan.Zero);
        LoggedEvent[] events =
        [
            new(1, new MetricEvent("sale-1", "revenue", 120, sold, "launch", "sales", "shopify", Activity: "webinar")),
            new(2, new MetricEvent("refund-1", "revenue", 20, sold, "launch", "sales", "shopify", Activity: "webinar",
                Corrects: "sale-1", Previous: 120, CorrectedSequence: 1, CorrectedAt: refunded)),
            new(3, new MetricEvent("spam-1", "revenue", 0, sold, TimestampAssigned: true, Corrects: "refund-1", Previous: 20, CorrectedSequence: 2, CorrectedAt: refunded)),
        ];

        Assert.Equal(events, RoundTrip(events));
    }

    [Fact]
    public void A_line_without_correction_fields_is_an_ordinary_event()
    {
        var line = Encoding.UTF8.GetBytes("{\"s\":4,\"i\":\"e4\",\"m\":\"leads\",\"v\":2,\"t\":1700000000000}\n");
        LoggedEvent? read = null;
        LogRecordFormat.Decode(line, (e, _) => { read = e; return true; });

        Assert.Equal(new LoggedEvent(4, new MetricEvent("e4", "leads", 2, DateTimeOffset.FromUnixTimeMilliseconds(1700000000000))), read);
        Assert.Equal(2, read!.Event.Amount);
    }
}
