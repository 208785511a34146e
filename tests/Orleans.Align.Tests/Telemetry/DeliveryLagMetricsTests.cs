using Orleans.Align.Grains;
using Orleans.Align.Tests.Cluster;
using Orleans.Align.Tests.Support;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Telemetry;

/// <summary>
/// The silo's delivery lag and dedupe instruments, read as an exporter reads them: a view held back
/// shows in the lag gauge by as many events as it misses, and leaves it once it has caught up.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DeliveryLagMetricsTests(ClusterFixture cluster)
{
    private const int Batches = 2, BatchSize = 300, Events = Batches * BatchSize;

    private static MetricEvent[] Leads(int batch) =>
        [.. Enumerable.Range(0, BatchSize).Select(i => Event($"lag{batch}-{i}", "leads", 1))];

    [Fact]
    public async Task A_goal_held_back_raises_the_delivery_lag_gauge_by_what_it_misses_and_every_delivery_samples_a_plausible_lag()
    {
        using var meters = new MeterRecorder(AlignMetrics.MeterName);
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("moving", "leads", target: 1_000_000);
        await org.CreateGoalAsync("held", "leads", target: 1_000_000);
        DeliveryFaults.Break(org.Id, "held", DeliveryFaults.Fault.Fail);
        long head;
        try
        {
            IngestResult last = null!;
            for (var b = 0; b < Batches; b++) last = await org.IngestAsync(Leads(b));
            head = last.LastSequence;
            await org.AppliedThroughAsync("moving", head);

            // Published once a second by the log grain; the largest lag on the silo is at least this organization's.
            await Eventually.Holds(() => Assert.True(meters.Observe("align.delivery.lag.max") >= Events,
                $"align.delivery.lag.max is {meters.Observe("align.delivery.lag.max")} with a goal {Events} events behind"), TimeSpan.FromSeconds(15));
            // The log's ids since it started are in its recent dedupe run (the window is an hour).
            Assert.True(meters.Observe("align.dedupe.entries") >= Events);
        }
        finally
        {
            DeliveryFaults.Mend(org.Id, "held");
        }

        await org.AppliedThroughAsync("held", head);
        await Eventually.Holds(() => Assert.True(meters.Observe("align.delivery.lag.max") < Events,
            "the held goal caught up; the gauge should have let go of it"), TimeSpan.FromSeconds(15));

        // Each delivery was sampled (this test's alone made dozens); no organization appears in any tag.
        Assert.NotEmpty(meters.Of("align.delivery.lag"));
        Assert.All(meters.Of("align.delivery.lag").Concat(meters.Of("align.delivery.lag.max")), s => Assert.Empty(s.Tags));
    }
}
