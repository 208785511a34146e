using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Align.Grains;
using Orleans.Align.Grains.Log.Dedupe;
using Orleans.Align.Silo.Storage;
using Orleans.Align.Persistence.Tests.Azurite;
using Orleans.Align.Persistence.Tests.Silos;

namespace Orleans.Align.Persistence.Tests.Ingest;

/// <summary>
/// The dedupe window against real blob storage (Azurite), through the silo's own hosting: ids that
/// left the in-memory recent window are still recognised exactly, across a restart too, from the
/// sealed runs in blob storage; the same id with different content is a conflict; and a filter far
/// too small for its ids costs reads, never a false duplicate. The recent window is 1,000 ids here
/// (1,000,000 by default) so that a test needs thousands of events, not millions. Sealed runs are
/// spread over the default 4 partition grains (<c>{org}/{p}</c>).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DedupeIndexTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Metric = "leads";
    private static readonly DateTimeOffset At = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private SiloUnderTest.Place _place = null!;
    private SiloUnderTest? _silo;

    private static readonly Dictionary<string, string?> SmallWindow = new()
    {
        ["Align:Ingest:DedupeRecentMaxIds"] = "1000",
        // Far too small: every filter answers "maybe" to everything, so every lookup is an exact check.
        ["Align:Ingest:DedupeFilterBitsPerId"] = "0.001",
        // Every batch here must be answered: on a loaded CI machine an Azurite read can take seconds, and
        // past the 2.5 s default the grain answers Unavailable (the caller's cue to retry, which the
        // end-to-end DurabilityTests cover). Retrying here would blur what these tests count.
        ["Align:Ingest:AppendTimeout"] = "00:01:00",
    };

    /// <summary>Compaction at a fan-in of 4: 16 runs of 1,000 make one of 16,000 (through levels 1 and 2).</summary>
    private static readonly Dictionary<string, string?> Compacting = new(SmallWindow)
    {
        ["Align:Ingest:DedupeFilterBitsPerId"] = "16",
        ["Align:Ingest:DedupeCompactionFanIn"] = "4",
    };

    private SiloUnderTest Silo => _silo ?? throw new InvalidOperationException("No silo.");

    /// <summary>Align:Ingest:DedupePartitions by default.</summary>
    private const int Partitions = 4;

    private async Task RestartSiloAsync(string suffix, IReadOnlyDictionary<string, string?> settings)
    {
        await _silo!.DisposeAsync();
        _silo = null;
        _silo = await SiloUnderTest.StartAsync(_place with { ClusterId = _place.ClusterId + suffix }, settings);
    }

    public async Task InitializeAsync()
    {
        _place = SiloUnderTest.Place.New(azurite.ConnectionString);
        _silo = await SiloUnderTest.StartAsync(_place, SmallWindow);
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        foreach (var container in new[] { _place.GrainContainer, _place.LogContainer, _place.DedupeContainer })
            await blobs.GetBlobContainerClient(container).DeleteIfExistsAsync();
    }

    private async Task<IIngestLogGrain> NewOrganizationAsync()
    {
        var org = $"d-{Guid.NewGuid():N}"[..14];
        await Silo.Grains.GetGrain<IOrganizationGrain>(org).CreateAsync($"Dedupe {org}", Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()));
        return Silo.Grains.GetGrain<IIngestLogGrain>(org);
    }

    private static MetricEvent Event(int i, double value = 1) => new($"evt-{i:D7}", Metric, value, At.AddSeconds(i));

    private static MetricEvent[] Range(int from, int count) => [.. Enumerable.Range(from, count).Select(i => Event(i))];

    /// <summary>Ingests in batches of 5,000 and returns the totals.</summary>
    private static async Task<(int Accepted, int Duplicates)> IngestAsync(IIngestLogGrain log, int from, int count)
    {
        var (accepted, duplicates) = (0, 0);
        for (var start = from; start < from + count; start += 5_000)
        {
            var result = await log.AppendAsync(Range(start, Math.Min(5_000, from + count - start)));
            Assert.Null(result.Conflicts);
            (accepted, duplicates) = (accepted + result.Accepted, duplicates + result.Duplicates);
        }
        return (accepted, duplicates);
    }

    /// <summary>Runs are written behind the acknowledgement; wait until the ones that are full are durable.</summary>
    private static async Task<DedupeStats> SealedThroughAsync(IIngestLogGrain log, long through)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var stats = await log.GetDedupeStatsAsync();
            if (stats.DurableThrough >= through || DateTime.UtcNow > deadline) return stats;
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task An_id_resent_long_after_it_left_the_recent_window_is_a_duplicate()
    {
        var log = await NewOrganizationAsync();
        await IngestAsync(log, 1, 20_000);
        var stats = await SealedThroughAsync(log, 19_000);
        // Counted in ids, not runs: compaction merges the sealed runs (8 of 1,000 into one of 8,000).
        Assert.True(stats.RunIds >= 19_000 && stats.RecentIds + stats.SealingIds <= 1_000, $"20,000 ids with a recent window of 1,000 should be in sealed runs: {stats}");

        var resent = await log.AppendAsync([Event(1), Event(5_000), Event(19_999)]);

        Assert.Equal((0, 3, 20_000L), (resent.Accepted, resent.Duplicates, resent.LastSequence));
    }

    [Fact]
    public async Task An_id_resent_after_a_silo_restart_is_a_duplicate_and_the_restart_does_not_reread_the_window()
    {
        var org = await NewOrganizationAsync();
        var orgId = org.GetPrimaryKeyString();
        await IngestAsync(org, 1, 10_500);
        await SealedThroughAsync(org, 10_000);

        await _silo!.DisposeAsync();
        _silo = null;
        _silo = await SiloUnderTest.StartAsync(_place with { ClusterId = _place.ClusterId + "-next" }, SmallWindow);
        var log = Silo.Grains.GetGrain<IIngestLogGrain>(orgId);

        var resent = await log.AppendAsync([Event(2), Event(7_777), Event(10_500)]);
        var stats = await log.GetDedupeStatsAsync();

        Assert.Equal((0, 3, 10_500L), (resent.Accepted, resent.Duplicates, resent.LastSequence));
        // What the restart read from the log: the ids after the last sealed run, not the 10,500 of the window.
        Assert.True(stats.RecentIds + stats.SealingIds <= 1_000, $"The restart re-read more than the recent window: {stats}");
        Assert.Equal(10_000, stats.DurableThrough);
    }

    [Fact]
    public async Task The_same_id_with_different_content_long_after_it_was_stored_is_a_conflict_and_is_not_stored()
    {
        var log = await NewOrganizationAsync();
        await IngestAsync(log, 1, 5_000);
        await SealedThroughAsync(log, 5_000);

        var result = await log.AppendAsync([Event(5_001), Event(42, value: 7), Event(43)]);

        Assert.Equal((1, 1, 5_001L), (result.Accepted, result.Duplicates, result.LastSequence));
        var conflict = Assert.Single(result.Conflicts!);
        Assert.Equal(new IngestConflict(Index: 1, Id: "evt-0000042", StoredSequence: 42), conflict);
    }

    [Fact]
    public async Task No_false_duplicates_over_200000_distinct_ids_with_a_filter_that_always_says_maybe()
    {
        var log = await NewOrganizationAsync();

        var (accepted, duplicates) = await IngestAsync(log, 1, 200_000);
        var stats = await log.GetDedupeStatsAsync();

        Assert.Equal((200_000, 0), (accepted, duplicates));
        Assert.True(stats.ExactReads > 0, $"The filters should have sent lookups to storage: {stats}");
    }

    /// <summary>Waits until compaction has brought the index down to at most <paramref name="runs"/> runs.</summary>
    private static async Task<DedupeStats> CompactedToAsync(IIngestLogGrain log, int runs)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var stats = await log.GetDedupeStatsAsync();
            if (stats.Runs <= runs || DateTime.UtcNow > deadline) return stats;
            await Task.Delay(50);
        }
    }

    /// <summary>Waits (a minute at most) until the organization has no more than <paramref name="count"/> dedupe blobs, and lists them.</summary>
    private async Task<IReadOnlyList<string>> BlobsDeletedDownToAsync(string orgId, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var names = await BlobNamesAsync(orgId);
            if (names.Count <= count || DateTime.UtcNow > deadline) return names;
            await Task.Delay(100);
        }
    }

    private async Task<IReadOnlyList<string>> BlobNamesAsync(string orgId)
    {
        var names = new List<string>();
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_place.DedupeContainer);
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = orgId + "/" })) names.Add(blob.Name[(orgId.Length + 1)..]);
        return names;
    }

    [Fact]
    public async Task Runs_compacted_in_blob_storage_find_every_id_and_a_restart_loads_only_the_compacted_runs()
    {
        await _silo!.DisposeAsync();
        _silo = null;
        _silo = await SiloUnderTest.StartAsync(_place with { ClusterId = _place.ClusterId + "-compacting" }, Compacting);
        var log = await NewOrganizationAsync();
        var orgId = log.GetPrimaryKeyString();
        await IngestAsync(log, 1, 16_500);
        await SealedThroughAsync(log, 16_000);
        var compacted = await CompactedToAsync(log, Partitions);

        // Each partition's sixteen slices became one run (unless the test ran across midnight UTC, which
        // closes a day: then two); the inputs' blobs are deleted.
        Assert.True(compacted.Runs <= 2 * Partitions && compacted.Compactions >= 5 * Partitions, $"The runs should have been compacted: {compacted}");
        Assert.Equal(16_000, compacted.RunIds);
        // The inputs' blobs are deleted once no lookup may still read them: soon after, not at once.
        var blobs = await BlobsDeletedDownToAsync(orgId, compacted.Runs * 2);
        Assert.Equal(compacted.Runs * 2, blobs.Count); // a .run and a .summary each
        var resent = await log.AppendAsync([Event(1), Event(8_000), Event(15_999), Event(16_500)]);
        Assert.Equal((0, 4, 16_500L), (resent.Accepted, resent.Duplicates, resent.LastSequence));
        var conflict = await log.AppendAsync([Event(4_242, value: 9)]);
        Assert.Equal(4_242, Assert.Single(conflict.Conflicts!).StoredSequence);

        await _silo!.DisposeAsync();
        _silo = null;
        _silo = await SiloUnderTest.StartAsync(_place with { ClusterId = _place.ClusterId + "-compacting-next" }, Compacting);
        var restarted = Silo.Grains.GetGrain<IIngestLogGrain>(orgId);

        var again = await restarted.AppendAsync([Event(2), Event(12_345), Event(16_499), Event(16_501)]);
        var stats = await restarted.GetDedupeStatsAsync();

        Assert.Equal((1, 3, 16_501L), (again.Accepted, again.Duplicates, again.LastSequence));
        Assert.Equal((compacted.Runs, 16_000L), (stats.Runs, stats.DurableThrough));
        Assert.True(stats.RecentIds + stats.SealingIds <= 1_000, $"The restart re-read more than the recent window: {stats}");
        var fresh = await restarted.AppendAsync(Range(16_502, 2_000));
        Assert.Equal((2_000, 0), (fresh.Accepted, fresh.Duplicates));
    }

    [Fact]
    public async Task Ids_sealed_into_partitions_are_found_after_every_grain_restarts_and_the_partition_count_stays_as_stored()
    {
        var org = await NewOrganizationAsync();
        var orgId = org.GetPrimaryKeyString();
        await IngestAsync(org, 1, 10_500);
        var sealedStats = await SealedThroughAsync(org, 10_000);
        Assert.Equal((Partitions, 10_000L), (sealedStats.Partitions, sealedStats.RunIds));
        var shares = await Task.WhenAll(Enumerable.Range(0, Partitions).Select(p => Silo.Grains.GetGrain<IDedupePartitionGrain>($"{orgId}/{p}").GetStatsAsync()));
        Assert.All(shares, share => Assert.InRange(share.RunIds, 1_500, 3_500)); // about a quarter each
        Assert.All(shares, share => Assert.Equal(10_000, share.DurableThrough));

        // Every grain goes (a new silo), and the new one is configured for 2 partitions: the organization keeps its 4.
        await RestartSiloAsync("-partitioned", new Dictionary<string, string?>(SmallWindow) { ["Align:Ingest:DedupePartitions"] = "2" });
        var log = Silo.Grains.GetGrain<IIngestLogGrain>(orgId);

        var resent = await log.AppendAsync([Event(3), Event(6_001), Event(9_999), Event(10_400), Event(4_444, value: 5), Event(10_501)]);
        var stats = await log.GetDedupeStatsAsync();

        Assert.Equal((1, 4, 10_501L), (resent.Accepted, resent.Duplicates, resent.LastSequence));
        Assert.Equal(new IngestConflict(Index: 4, Id: "evt-0004444", StoredSequence: 4_444), Assert.Single(resent.Conflicts!));
        Assert.Equal((Partitions, 10_000L, 10_000L), (stats.Partitions, stats.DurableThrough, stats.RunIds));
        Assert.True(stats.RecentIds + stats.SealingIds <= 1_000, $"The restart re-read more than the recent window: {stats}");
        var fresh = await IngestAsync(log, 10_502, 3_000);
        Assert.Equal((3_000, 0), fresh);
    }

    [Fact]
    public async Task Runs_written_before_the_index_was_partitioned_are_still_found_after_the_upgrade()
    {
        var org = await NewOrganizationAsync();
        var orgId = org.GetPrimaryKeyString();
        await IngestAsync(org, 1, 5_500);
        await SealedThroughAsync(org, 5_000);
        await _silo!.DisposeAsync();
        _silo = null;

        // The index as the unpartitioned version left it: no partition runs, one run of ids 1..5,000 under the organization's own key.
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_place.DedupeContainer);
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = orgId + "/" })) await container.DeleteBlobAsync(blob.Name);
        var old = new SealedRuns(orgId, new BlobDedupeIndexStore(container),
            new DedupeSettings(TimeSpan.FromDays(7), 1_000, TimeSpan.FromHours(1), 16, 1L << 30), TimeProvider.System, NullLogger.Instance);
        await old.LoadAsync(CancellationToken.None);
        await old.WriteSliceAsync(new DedupeSlice(1, 5_000, DateTimeOffset.UtcNow,
            [.. Enumerable.Range(1, 5_000).Select(i => new SliceId(Event(i).Id, i, EventFingerprint.OfContent(Event(i))))]));
        old.Stop();

        _silo = await SiloUnderTest.StartAsync(_place with { ClusterId = _place.ClusterId + "-upgraded" }, SmallWindow);
        var log = Silo.Grains.GetGrain<IIngestLogGrain>(orgId);
        var resent = await log.AppendAsync([Event(1), Event(2_500), Event(5_000), Event(5_200), Event(77, value: 3)]);
        var stats = await log.GetDedupeStatsAsync();

        Assert.Equal((0, 4, 5_500L), (resent.Accepted, resent.Duplicates, resent.LastSequence));
        Assert.Equal(77, Assert.Single(resent.Conflicts!).StoredSequence);
        Assert.Equal((1, 5_000L), (stats.UnpartitionedRuns, stats.DurableThrough));
        // New ids go to the partitions; the old run is still asked, and nothing new is taken for old.
        var fresh = await IngestAsync(log, 5_501, 3_000);
        Assert.Equal((3_000, 0), fresh);
        var sealedStats = await SealedThroughAsync(log, 8_000);
        Assert.Equal(8_000, sealedStats.DurableThrough);
        var again = await log.AppendAsync([Event(4_000), Event(7_000)]);
        Assert.Equal((0, 2), (again.Accepted, again.Duplicates));
    }
}
