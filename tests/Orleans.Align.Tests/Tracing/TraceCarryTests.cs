using System.Diagnostics;
using Orleans.Align.Grains.Log;
using Orleans.Align.Telemetry;

namespace Orleans.Align.Tests.Tracing;

public sealed class TraceCarryTests
{
    private static ActivityContext Span() => new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    [Theory]
    [InlineData("IIngestLogGrain/AppendAsync", true)]
    [InlineData("IBoardObserver/OnBoardUpdateAsync", true)]
    [InlineData("Microsoft.AspNetCore.Hosting.HttpRequestIn", true)]
    [InlineData("align.log.deliver", true)]
    [InlineData("IRemoteGrainDirectory/RegisterAsync", false)]
    [InlineData("IManagementGrain/GetHosts", false)]
    [InlineData("IGrainTimerInvoker/InvokeCallbackAsync", false)]
    public void A_trace_starts_at_HTTP_our_own_spans_and_calls_to_our_grain_interfaces_only(string rootName, bool kept) =>
        Assert.Equal(kept, AlignRootSampler.IsOurs(rootName));

    [Fact]
    public void A_span_with_links_is_sampled_when_one_of_the_spans_it_links_to_was()
    {
        var sampler = new AlignRootSampler();
        var sampled = Span();
        var dropped = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);
        OpenTelemetry.Trace.SamplingDecision Decide(params ActivityContext[] links) => sampler.ShouldSample(new OpenTelemetry.Trace.SamplingParameters(
            default, ActivityTraceId.CreateRandom(), "align.board.push", ActivityKind.Producer, links: links.Select(l => new ActivityLink(l)))).Decision;

        Assert.Equal(OpenTelemetry.Trace.SamplingDecision.RecordAndSample, Decide(dropped, sampled));
        Assert.Equal(OpenTelemetry.Trace.SamplingDecision.Drop, Decide(dropped));
        Assert.Equal(OpenTelemetry.Trace.SamplingDecision.RecordAndSample, Decide());
    }

    [Fact]
    public void An_origin_travels_as_text_with_its_ingests_and_oldest_acknowledgement_and_is_bounded()
    {
        var origin = new LiveOrigin();
        var spans = Enumerable.Range(0, LiveOrigin.MaxLinks + 5).Select(_ => Span()).ToList();
        foreach (var span in spans) origin.Add(span);
        var (older, newer) = (new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 7, 8, 0, 1, TimeSpan.Zero));
        origin.Acknowledged(newer);
        origin.Acknowledged(older);

        var carried = LiveOrigin.Decode(origin.Encode())!;

        Assert.Equal(spans.Take(LiveOrigin.MaxLinks).Select(s => (s.TraceId, s.SpanId)), carried.Ingests.Select(s => (s.TraceId, s.SpanId)));
        Assert.Equal(older, carried.OldestAck);
        Assert.Null(LiveOrigin.Decode("not an origin"));
    }

    [Fact]
    public void A_delivered_range_finds_the_commits_it_overlaps_and_none_past_what_is_kept()
    {
        var traces = new IngestTraces();
        var (a, b, c) = (Span(), Span(), Span());
        var at = DateTimeOffset.UnixEpoch.AddDays(20_000);
        traces.Record(0, 10, [a], at);
        traces.Record(10, 12, [b, c], at.AddSeconds(1));

        Assert.Equal([a], traces.For(0, 10)!.Ingests);
        Assert.Equal([a, b, c], traces.For(5, 11)!.Ingests);
        Assert.Equal(at, traces.For(5, 11)!.OldestAck);
        Assert.Equal([b, c], traces.For(10, 12)!.Ingests);
        Assert.Null(traces.For(12, 20));

        for (var i = 0; i < IngestTraces.Capacity; i++) traces.Record(12 + i, 13 + i, [Span()], at);
        Assert.Null(traces.For(0, 10));
    }
}
