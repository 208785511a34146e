using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Log;

/// <summary>The ingest log: dedupe by event id, sequence numbers without gaps, whole-batch refusal, group commit.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IngestTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Last_sequence_grows_by_the_number_of_accepted_events()
    {
        var org = await cluster.NewOrganizationAsync();

        var first = await org.IngestAsync(Event("e1", "leads", 1), Event("e2", "leads", 1));
        var second = await org.IngestAsync(Event("e3", "leads", 1), Event("e4", "leads", 1), Event("e5", "leads", 1));

        Assert.Equal(new IngestResult(Accepted: 2, Duplicates: 0, LastSequence: 2), first);
        Assert.Equal(new IngestResult(Accepted: 3, Duplicates: 0, LastSequence: 5), second);
    }

    [Fact]
    public async Task Retried_batch_reports_every_event_as_a_duplicate_and_does_not_change_progress()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        MetricEvent[] batch = [Event("e1", "leads", 10), Event("e2", "leads", 20), Event("e3", "leads", 30)];
        var first = await org.IngestAsync(batch);

        var retry = await org.IngestAsync(batch);
        // Delivery is in log order: once the goal has this later event, a re-appended retry would have shown.
        var later = await org.IngestAsync(Event("e4", "leads", 1));

        Assert.Equal(new IngestResult(Accepted: 0, Duplicates: 3, LastSequence: first.LastSequence), retry with { DuplicateIndexes = null });
        Assert.Equal([0, 1, 2], retry.DuplicateIndexes);
        Assert.Equal(first.LastSequence + 1, later.LastSequence);
        var goal = await org.AppliedThroughAsync("leads", later.LastSequence);
        Assert.Equal(61, goal.Progress);
        Assert.Equal(4, goal.EventCount);
    }

    [Fact]
    public async Task Retry_with_some_new_events_accepts_only_the_new_ones()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        await org.IngestAsync(Event("e1", "leads", 10), Event("e2", "leads", 20));

        var result = await org.IngestAsync(Event("e2", "leads", 20), Event("e3", "leads", 30));

        Assert.Equal(new IngestResult(Accepted: 1, Duplicates: 1, LastSequence: 3), result with { DuplicateIndexes = null });
        Assert.Equal([0], result.DuplicateIndexes);
        var goal = await org.AppliedThroughAsync("leads", result.LastSequence);
        Assert.Equal(60, goal.Progress);
    }

    [Fact]
    public async Task Duplicates_inside_one_batch_count_once()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");

        var result = await org.IngestAsync(Event("e1", "leads", 10), Event("e1", "leads", 10), Event("e2", "leads", 5), Event("e1", "leads", 10));

        Assert.Equal(new IngestResult(Accepted: 2, Duplicates: 2, LastSequence: 2), result with { DuplicateIndexes = null });
        Assert.Equal([1, 3], result.DuplicateIndexes);
        var goal = await org.AppliedThroughAsync("leads", result.LastSequence);
        Assert.Equal(15, goal.Progress);
        Assert.Equal(2, goal.EventCount);
    }

    [Fact]
    public async Task The_same_id_with_different_content_is_a_conflict_reported_per_event_and_not_counted()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        var first = await org.IngestAsync(Event("e1", "leads", 10), Event("e2", "leads", 20));

        var result = await org.IngestAsync(Event("e3", "leads", 1), Event("e1", "leads", 99), Event("e2", "leads", 20));

        Assert.Equal((1, 1), (result.Accepted, result.Duplicates));
        Assert.Equal([new IngestConflict(Index: 1, Id: "e1", StoredSequence: 1)], result.Conflicts!);
        Assert.Equal(first.LastSequence + 1, result.LastSequence);
        var goal = await org.AppliedThroughAsync("leads", result.LastSequence);
        Assert.Equal(31, goal.Progress);
        Assert.Equal(3, goal.EventCount);
    }

    [Fact]
    public async Task Within_one_batch_the_same_id_with_different_content_is_a_conflict_with_the_first()
    {
        var org = await cluster.NewOrganizationAsync();

        var result = await org.IngestAsync(Event("e1", "leads", 10), Event("e1", "leads", 10), Event("e1", "visits", 10));

        Assert.Equal((1, 1), (result.Accepted, result.Duplicates));
        Assert.Equal([new IngestConflict(Index: 2, Id: "e1", StoredSequence: 1)], result.Conflicts!);
    }

    [Fact]
    public async Task A_resend_without_a_timestamp_is_a_duplicate_although_it_arrives_later()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.IngestAsync(Event("e1", "leads", 10, at: InPeriod) with { TimestampAssigned = true });

        var resent = await org.IngestAsync(Event("e1", "leads", 10, at: InPeriod.AddMinutes(3)) with { TimestampAssigned = true });

        Assert.Equal(new IngestResult(Accepted: 0, Duplicates: 1, LastSequence: 1), resent with { DuplicateIndexes = null });
        Assert.Equal([0], resent.DuplicateIndexes);
    }

    [Fact]
    public async Task Event_ids_are_compared_exactly()
    {
        var org = await cluster.NewOrganizationAsync();

        var result = await org.IngestAsync(Event("order-1", "leads", 1), Event("ORDER-1", "leads", 1), Event("order-1 ", "leads", 1));

        Assert.Equal(3, result.Accepted);
    }

    [Fact]
    public async Task Batch_with_an_unknown_campaign_is_refused_whole()
    {
        var org = await cluster.NewOrganizationAsync();
        var before = await org.IngestAsync(Event("e1", "leads", 1, Launch), Event("e2", "leads", 1, Launch));

        var refused = await Assert.ThrowsAsync<AlignException>(() =>
            org.IngestAsync(Event("e3", "leads", 1, Launch), Event("e4", "leads", 1, "no-such-campaign")));
        var after = await org.IngestAsync(Event("e5", "leads", 1, Launch));

        Assert.Equal(AlignErrorKind.Invalid, refused.Kind);
        Assert.Contains("no-such-campaign", refused.Message);
        Assert.Equal(2, before.LastSequence);
        Assert.Equal(3, after.LastSequence);
        var log = await cluster.Log.ReadAsync(org.Id, 1, 100);
        Assert.Equal(["e1", "e2", "e5"], log.Select(e => e.Event.Id));
        Assert.Equal([1L, 2L, 3L], log.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Batch_with_an_unknown_department_is_refused_whole()
    {
        var org = await cluster.NewOrganizationAsync();

        var refused = await Assert.ThrowsAsync<AlignException>(() =>
            org.IngestAsync(Event("e1", "leads", 1, department: Sales), Event("e2", "leads", 1, department: "finance")));
        var after = await org.IngestAsync(Event("e3", "leads", 1, department: Sales));

        Assert.Equal(AlignErrorKind.Invalid, refused.Kind);
        Assert.Contains("finance", refused.Message);
        Assert.Equal(new IngestResult(Accepted: 1, Duplicates: 0, LastSequence: 1), after);
    }

    [Fact]
    public async Task Events_of_a_refused_batch_are_not_remembered_as_seen()
    {
        var org = await cluster.NewOrganizationAsync();
        await Assert.ThrowsAsync<AlignException>(() =>
            org.IngestAsync(Event("e1", "leads", 1), Event("e2", "leads", 1, "no-such-campaign")));

        var corrected = await org.IngestAsync(Event("e1", "leads", 1), Event("e2", "leads", 1, Launch));

        Assert.Equal(new IngestResult(Accepted: 2, Duplicates: 0, LastSequence: 2), corrected);
    }

    [Fact]
    public async Task Campaign_added_after_the_log_started_is_accepted_in_events()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.IngestAsync(Event("e1", "leads", 1));
        await org.Grain.AddCampaignAsync(new Campaign("webinar", "Webinar", [Marketing]));

        var result = await org.IngestAsync(Event("e2", "leads", 1, "webinar"));

        Assert.Equal(1, result.Accepted);
    }

    [Fact]
    public async Task Concurrent_appends_are_all_accepted_with_distinct_gapless_sequences_and_exact_progress()
    {
        const int Batches = 20;
        const int PerBatch = 50;
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");

        var results = await Task.WhenAll(Enumerable.Range(0, Batches).Select(b => Task.Run(() =>
            org.IngestAsync([.. Enumerable.Range(0, PerBatch).Select(i => Event($"b{b}-e{i}", "leads", b + 1))]))));

        Assert.All(results, r => Assert.Equal(PerBatch, r.Accepted));
        Assert.All(results, r => Assert.Equal(0, r.Duplicates));
        Assert.All(results, r => Assert.InRange(r.LastSequence, PerBatch, Batches * PerBatch));
        Assert.Equal(Batches * PerBatch, results.Max(r => r.LastSequence));

        var log = await cluster.Log.ReadAsync(org.Id, 1, 10 * Batches * PerBatch);
        Assert.Equal(Enumerable.Range(1, Batches * PerBatch).Select(i => (long)i), log.Select(e => e.Sequence));
        Assert.Equal(Batches * PerBatch, log.Select(e => e.Event.Id).Distinct().Count());

        var goal = await org.AppliedThroughAsync("leads", Batches * PerBatch);
        // Batch b carries 50 events of value b + 1: 50 × (1 + 2 + ... + 20).
        Assert.Equal(PerBatch * Batches * (Batches + 1) / 2, goal.Progress);
        Assert.Equal(Batches * PerBatch, goal.EventCount);
    }

    [Fact]
    public async Task Concurrent_retries_of_the_same_batch_are_accepted_exactly_once()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.CreateGoalAsync("leads", "leads");
        MetricEvent[] batch = [.. Enumerable.Range(0, 20).Select(i => Event($"e{i}", "leads", 1))];

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => org.IngestAsync(batch))));

        Assert.Equal(20, results.Sum(r => r.Accepted));
        Assert.Equal(9 * 20, results.Sum(r => r.Duplicates));
        var goal = await org.AppliedThroughAsync("leads", 20);
        Assert.Equal(20, goal.Progress);
    }
}
