using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Log.Dedupe;
using Orleans.Align.Grains.Timeline;

namespace Orleans.Align.Tests.Log;

/// <summary>The pure parts of corrections: resolution against the corrected event, the content hash, the index's values.</summary>
public sealed class CorrectionResolutionTests
{
    private static readonly DateTimeOffset SaleTime = new(2025, 3, 31, 18, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RefundTime = new(2025, 4, 3, 9, 30, 0, TimeSpan.Zero);
    private static readonly LoggedEvent Sale = new(7, new MetricEvent("sale-1", "revenue", 120, SaleTime, "launch", "sales", "shopify", Activity: "webinar"));

    private static MetricEvent Refund(double value = 20, string metric = "revenue", string? campaign = null, string? department = null) =>
        new("refund-1", metric, value, RefundTime, campaign, department, "shopify", Corrects: "sale-1");

    [Fact]
    public void A_correction_takes_the_corrected_events_scope_time_and_value_as_it_stood()
    {
        var (resolved, refusal) = Corrections.Resolve(0, Refund(), Sale, newerCorrection: null);

        Assert.Null(refusal);
        Assert.Equal(
            new MetricEvent("refund-1", "revenue", 20, SaleTime, "launch", "sales", "shopify", Activity: "webinar",
                Corrects: "sale-1", Previous: 120, CorrectedSequence: 7, CorrectedAt: RefundTime),
            resolved);
        Assert.Equal(-100, resolved!.Amount);
    }

    [Fact]
    public void Retracting_is_a_correction_to_zero_and_takes_the_whole_value_away()
    {
        var (resolved, _) = Corrections.Resolve(0, Refund(0), Sale, null);

        Assert.Equal(-120, resolved!.Amount);
    }

    [Fact]
    public void An_event_that_is_not_a_correction_adds_its_value()
    {
        Assert.Equal(120, Sale.Event.Amount);
    }

    [Fact]
    public void An_unknown_corrected_event_is_refused()
    {
        var (resolved, refusal) = Corrections.Resolve(3, Refund(), corrected: null, null);

        Assert.Null(resolved);
        Assert.Equal((3, "refund-1", "sale-1", CorrectionRefusal.UnknownEvent), (refusal!.Index, refusal.Id, refusal.Corrects, refusal.Reason));
    }

    [Fact]
    public void An_event_corrected_already_is_refused_naming_the_newer_correction()
    {
        var (resolved, refusal) = Corrections.Resolve(0, Refund(), Sale, "refund-0");

        Assert.Null(resolved);
        Assert.Equal((CorrectionRefusal.AlreadyCorrected, "refund-0"), (refusal!.Reason, refusal.NewerCorrection));
        Assert.Contains("refund-0", refusal.Detail);
    }

    [Fact]
    public void Another_metric_is_refused()
    {
        var (_, refusal) = Corrections.Resolve(0, Refund(metric: "orders"), Sale, null);

        Assert.Equal(CorrectionRefusal.MetricDiffers, refusal!.Reason);
    }

    [Theory]
    [InlineData("spring-sale", null)]
    [InlineData(null, "marketing")]
    public void Another_campaign_or_department_is_refused(string? campaign, string? department)
    {
        var (_, refusal) = Corrections.Resolve(0, Refund(campaign: campaign, department: department), Sale, null);

        Assert.Equal(CorrectionRefusal.ScopeDiffers, refusal!.Reason);
    }

    [Fact]
    public void Naming_the_same_campaign_and_department_is_allowed()
    {
        var (resolved, refusal) = Corrections.Resolve(0, Refund(campaign: "launch", department: "sales"), Sale, null);

        Assert.Null(refusal);
        Assert.Equal(("launch", "sales"), (resolved!.Campaign, resolved.Department));
    }

    [Fact]
    public void A_correction_hashes_the_same_as_sent_and_as_resolved_so_a_resend_after_a_restart_is_a_duplicate()
    {
        var sent = Refund();
        var (resolved, _) = Corrections.Resolve(0, sent, Sale, null);
        var sentWithScope = Refund(campaign: "launch", department: "sales");

        Assert.Equal(EventFingerprint.OfContent(sent), EventFingerprint.OfContent(resolved!));
        Assert.Equal(EventFingerprint.OfContent(sent), EventFingerprint.OfContent(sentWithScope));
        Assert.NotEqual(EventFingerprint.OfContent(sent), EventFingerprint.OfContent(Refund(value: 21)));
        Assert.NotEqual(EventFingerprint.OfContent(sent), EventFingerprint.OfContent(sent with { Corrects = "sale-2" }));
        Assert.NotEqual(EventFingerprint.OfContent(sent), EventFingerprint.OfContent(sent with { Corrects = null }));
    }

    [Fact]
    public void A_correction_without_its_own_time_hashes_without_it()
    {
        var sent = Refund() with { TimestampAssigned = true };
        var later = sent with { Timestamp = RefundTime.AddMinutes(3) };
        var (resolved, _) = Corrections.Resolve(0, sent, Sale, null);

        Assert.Equal(EventFingerprint.OfContent(sent), EventFingerprint.OfContent(later));
        Assert.Equal(EventFingerprint.OfContent(sent), EventFingerprint.OfContent(resolved!));
    }

    [Fact]
    public void The_markers_of_corrected_ids_are_not_event_ids()
    {
        Assert.NotEqual("sale-1", Corrections.MarkerOf("sale-1"));
        Assert.Contains(Corrections.MarkerOf("sale-1"), c => char.IsControl(c));
    }

    [Fact]
    public void The_log_index_sums_a_corrections_difference_and_reads_its_value_as_a_gauge_reading_also_after_saving()
    {
        var (resolved, _) = Corrections.Resolve(0, Refund(), Sale, null);
        var builder = new LogChunkBuilder();
        builder.Add(Sale, 0, 0, 100, 64);
        builder.Add(new LoggedEvent(8, resolved!), 0, 100, 200, 64);

        foreach (var chunk in new[] { builder.Build(), LogChunk.Deserialize(builder.Build().Serialize()) })
        {
            var cell = Assert.Single(chunk.CellsOf(0).ToArray());
            Assert.Equal((20.0, 20.0, 8L), (cell.Sum, cell.GaugeValue, cell.GaugeSequence));
            Assert.Equal([120.0, -100.0], [chunk.ValueAt(cell, 0), chunk.ValueAt(cell, 1)]);
            Assert.Equal([120.0, 20.0], [chunk.ReadingAt(cell, 0), chunk.ReadingAt(cell, 1)]);
        }
    }
}
