using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orleans.Align.Grains;
using Orleans.Align.Tests.Cluster;
using Orleans.Diagnostics;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Tracing;

/// <summary>Issue 13: what runs behind the acknowledgement points back at the ingest, and freshness is measured at the push.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LiveTracingTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Deliveries_and_board_pushes_link_to_the_appends_they_carry_and_each_such_push_records_its_freshness()
    {
        var exported = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(ActivitySources.RuntimeActivitySourceName, ActivitySources.ApplicationGrainActivitySourceName, AlignTracing.SourceName)
            .AddInMemoryExporter(exported)
            .Build();
        var freshness = new ConcurrentQueue<(double Ms, ActivitySpanId? Span)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AlignMetrics.MeterName && instrument.Name == "align.live.freshness") listener.EnableMeasurementEvents(instrument);
            },
        };
        meters.SetMeasurementEventCallback<double>((_, value, _, _) => freshness.Enqueue((value, Activity.Current?.SpanId)));
        meters.Start();

        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("launch-leads", "leads", GoalScope.Of(campaign: Launch));
        var recorder = new BoardRecorder();
        var observer = cluster.Client.CreateObjectReference<IBoardObserver>(recorder);
        try
        {
            await org.Board(BoardIds.ForCampaign(Launch)).SubscribeAsync(observer);
            var started = Stopwatch.GetTimestamp();
            await org.IngestAsync(Event("traced-1", "leads", 2, Launch));
            await org.IngestAsync(Event("traced-2", "leads", 3, Launch));
            await Eventually.Holds(() =>
            {
                Assert.Equal(5.0, recorder.LatestOf("launch-leads")?.Progress);
                return Task.CompletedTask;
            });
            var bound = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await Task.Delay(200); // the push span ends after its one-way sends
            tracing.ForceFlush();

            List<Activity> spans;
            lock (exported) spans = [.. exported];
            bool Ours(Activity a, string tag) => a.GetTagItem(tag) as string is { } value && value.Contains(org.Id, StringComparison.Ordinal);

            var appends = spans.Where(a => a.Kind == ActivityKind.Server && a.DisplayName == "IIngestLogGrain/AppendAsync" && Ours(a, "orleans.rpc.target_id")).ToList();
            Assert.Equal(2, appends.Count);
            var deliveries = spans.Where(a => a.OperationName == AlignTracing.DeliverSpan && Ours(a, "align.org")).ToList();
            var pushes = spans.Where(a => a.OperationName == AlignTracing.BoardPushSpan && Ours(a, "align.org") && a.Links.Any()).ToList();
            foreach (var append in appends)
            {
                Assert.Contains(deliveries, d => d.Links.Any(l => l.Context.TraceId == append.TraceId && l.Context.SpanId == append.SpanId));
                Assert.Contains(pushes, p => p.Links.Any(l => l.Context.TraceId == append.TraceId && l.Context.SpanId == append.SpanId));
            }
            // Behind the acknowledgement, in traces of their own; the goal's apply runs under its delivery.
            Assert.All(deliveries, d => Assert.DoesNotContain(appends, a => a.TraceId == d.TraceId));
            Assert.All(pushes, p => Assert.Equal(default, p.ParentSpanId));
            Assert.Contains(spans, a => a.Kind == ActivityKind.Server && a.DisplayName.EndsWith("/ApplyAsync", StringComparison.Ordinal) && Ours(a, "orleans.rpc.target_id") && deliveries.Any(d => d.TraceId == a.TraceId));

            // One freshness value per push that carried acknowledged events, recorded inside its span, plausible.
            var measured = freshness.Where(f => pushes.Any(p => p.SpanId == f.Span)).ToList();
            Assert.Equal(pushes.Count, measured.Count);
            Assert.All(measured, f => Assert.InRange(f.Ms, 0, bound + 1_000));
        }
        finally
        {
            cluster.Client.DeleteObjectReference<IBoardObserver>(observer);
        }
    }
}
