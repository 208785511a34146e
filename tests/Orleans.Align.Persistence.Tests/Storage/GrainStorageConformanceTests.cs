using Orleans.Align.Persistence.AzureBlob;
using Orleans.Align.Persistence.Tests.Azurite;
using Orleans.Runtime;
using Orleans.Storage;

namespace Orleans.Align.Persistence.Tests.Storage;

/// <summary>
/// The contract every Orleans grain storage keeps, checked against a real blob service (Azurite):
/// what a read of nothing returns, how ETags guard writes and clears, and that records stay apart.
/// Each test has a container of its own.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class GrainStorageConformanceTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string StateName = "counter";

    private StorageUnderTest _store = null!;

    private IGrainStorage Storage => _store.Storage;

    public async Task InitializeAsync() =>
        _store = await StorageUnderTest.StartAsync(azurite.ConnectionString, StorageUnderTest.NewContainerName("conformance"));

    public async Task DisposeAsync()
    {
        await _store.Container.DeleteIfExistsAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task The_container_is_created_when_the_silo_starts()
    {
        var containerName = StorageUnderTest.NewContainerName("startup");
        await using var store = StorageUnderTest.Create(azurite.ConnectionString, containerName);
        Assert.False(await store.Container.ExistsAsync());

        await store.RunSiloStartAsync();

        Assert.True(await store.Container.ExistsAsync());
        await store.Container.DeleteAsync();
    }

    [Fact]
    public async Task A_write_recreates_a_container_deleted_after_start_up()
    {
        await _store.Container.DeleteAsync();
        var grainId = NewGrainId();

        await WriteAsync(grainId, value: 3);

        Assert.Equal(3, (await ReadAsync(grainId)).State!.Value);
    }

    [Fact]
    public async Task A_missing_record_reads_as_the_default_state_with_no_ETag()
    {
        var state = new GrainState<Counter>(new Counter { Value = 42, Label = "left over" }, "\"stale\"") { RecordExists = true };

        await Storage.ReadStateAsync(StateName, NewGrainId(), state);

        Assert.Equal(0, state.State!.Value);
        Assert.Equal(Counter.NewLabel, state.State!.Label);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task A_written_state_reads_back_with_the_ETag_of_the_write()
    {
        var grainId = NewGrainId();
        var written = new GrainState<Counter>(new Counter { Value = 7, Label = "seven" });
        await Storage.WriteStateAsync(StateName, grainId, written);

        var read = new GrainState<Counter>();
        await Storage.ReadStateAsync(StateName, grainId, read);

        Assert.Equal(7, read.State!.Value);
        Assert.Equal("seven", read.State!.Label);
        Assert.True(read.RecordExists);
        Assert.NotNull(read.ETag);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task A_write_sets_a_new_ETag_every_time()
    {
        var state = new GrainState<Counter>(new Counter());
        var grainId = NewGrainId();
        var etags = new List<string?>();

        for (var i = 1; i <= 3; i++)
        {
            state.State!.Value = i;
            await Storage.WriteStateAsync(StateName, grainId, state);
            Assert.True(state.RecordExists);
            etags.Add(state.ETag);
        }

        Assert.All(etags, Assert.NotNull);
        Assert.Equal(3, etags.Distinct().Count());
    }

    [Fact]
    public async Task A_write_with_a_stale_ETag_throws_InconsistentStateException()
    {
        var grainId = NewGrainId();
        var first = await WriteAsync(grainId, value: 1);
        var staleETag = first.ETag;
        await WriteAsync(grainId, value: 2, etag: staleETag); // someone else moves the record on

        var stale = new GrainState<Counter>(new Counter { Value = 3 }, staleETag);
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grainId, stale));

        Assert.Equal(staleETag, conflict.CurrentEtag);
        Assert.NotEqual(staleETag, conflict.StoredEtag);
        Assert.Equal(2, (await ReadAsync(grainId)).State!.Value);
    }

    [Fact]
    public async Task A_write_without_an_ETag_throws_when_the_record_exists()
    {
        var grainId = NewGrainId();
        await WriteAsync(grainId, value: 1);

        var blind = new GrainState<Counter>(new Counter { Value = 2 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grainId, blind));

        Assert.Equal(1, (await ReadAsync(grainId)).State!.Value);
    }

    [Fact]
    public async Task A_write_with_an_ETag_throws_when_the_record_was_cleared_meanwhile()
    {
        var grainId = NewGrainId();
        var mine = await WriteAsync(grainId, value: 1);
        var theirs = await ReadAsync(grainId);
        await Storage.ClearStateAsync(StateName, grainId, theirs);

        mine.State!.Value = 2;
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grainId, mine));

        Assert.False((await ReadAsync(grainId)).RecordExists);
    }

    [Fact]
    public async Task Clear_deletes_the_record_and_resets_state_ETag_and_RecordExists()
    {
        var grainId = NewGrainId();
        var state = await WriteAsync(grainId, value: 5);

        await Storage.ClearStateAsync(StateName, grainId, state);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State!.Value);
        Assert.Equal(Counter.NewLabel, state.State!.Label);

        var read = await ReadAsync(grainId);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(0, read.State!.Value);
    }

    [Fact]
    public async Task A_cleared_record_can_be_written_again_without_an_ETag()
    {
        var grainId = NewGrainId();
        var state = await WriteAsync(grainId, value: 5);
        await Storage.ClearStateAsync(StateName, grainId, state);

        state.State!.Value = 6;
        await Storage.WriteStateAsync(StateName, grainId, state);

        Assert.Equal(6, (await ReadAsync(grainId)).State!.Value);
    }

    [Fact]
    public async Task Clear_without_an_ETag_of_a_missing_record_succeeds()
    {
        var state = new GrainState<Counter>(new Counter { Value = 9 });

        await Storage.ClearStateAsync(StateName, NewGrainId(), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State!.Value);
    }

    [Fact]
    public async Task Clear_with_a_stale_ETag_throws_and_keeps_the_record()
    {
        var grainId = NewGrainId();
        var stale = await WriteAsync(grainId, value: 1);
        await WriteAsync(grainId, value: 2, etag: stale.ETag);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, grainId, stale));

        Assert.Equal(2, (await ReadAsync(grainId)).State!.Value);
    }

    [Fact]
    public async Task Clear_without_an_ETag_throws_when_the_record_exists()
    {
        var grainId = NewGrainId();
        await WriteAsync(grainId, value: 1);

        var unaware = new GrainState<Counter>(new Counter());
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, grainId, unaware));

        Assert.True((await ReadAsync(grainId)).RecordExists);
    }

    [Fact]
    public async Task Different_state_names_of_one_grain_are_separate_records()
    {
        var grainId = NewGrainId();
        await WriteAsync(grainId, value: 1, stateName: "first");
        await WriteAsync(grainId, value: 2, stateName: "second");

        Assert.Equal(1, (await ReadAsync(grainId, "first")).State!.Value);
        Assert.Equal(2, (await ReadAsync(grainId, "second")).State!.Value);
        Assert.False((await ReadAsync(grainId, "third")).RecordExists);
    }

    [Fact]
    public async Task Different_grains_are_separate_records_even_with_keys_that_look_like_paths()
    {
        var org = Guid.NewGuid().ToString("N");
        var goal = GrainId.Create("goal", $"{org}/q3-leads");
        var nested = GrainId.Create("goal", $"{org}/q3-leads/x");
        var escapedLookalike = GrainId.Create("goal", $"{org}%2Fq3-leads");
        var otherType = GrainId.Create("board", $"{org}/q3-leads");

        await WriteAsync(goal, value: 1);
        await WriteAsync(nested, value: 2);
        await WriteAsync(escapedLookalike, value: 3);
        await WriteAsync(otherType, value: 4);

        Assert.Equal(1, (await ReadAsync(goal)).State!.Value);
        Assert.Equal(2, (await ReadAsync(nested)).State!.Value);
        Assert.Equal(3, (await ReadAsync(escapedLookalike)).State!.Value);
        Assert.Equal(4, (await ReadAsync(otherType)).State!.Value);
        Assert.False((await ReadAsync(GrainId.Create("goal", $"{org}/q4-leads"))).RecordExists);
    }

    [Fact]
    public async Task A_record_is_one_readable_json_blob_named_by_state_grain_type_and_escaped_key()
    {
        var org = Guid.NewGuid().ToString("N");
        await WriteAsync(GrainId.Create("goal", $"{org}/q3-leads"), value: 12, stateName: "goal");

        var names = new List<string>();
        await foreach (var item in _store.Container.GetBlobsAsync()) names.Add(item.Name);

        var name = Assert.Single(names);
        Assert.Equal($"goal/goal/{org}%2Fq3-leads.json", name);
        var blob = await _store.Container.GetBlobClient(name).DownloadContentAsync();
        Assert.Equal("application/json", blob.Value.Details.ContentType);
        Assert.Contains("\"Value\":12", blob.Value.Content.ToString());
    }

    [Fact]
    public async Task Of_parallel_writers_starting_from_the_same_ETag_exactly_one_wins()
    {
        const int writers = 8;
        var grainId = NewGrainId();
        var start = await WriteAsync(grainId, value: 0);

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(1, writers).Select(async writer =>
        {
            var state = new GrainState<Counter>(new Counter { Value = writer }, start.ETag);
            await go.Task;
            await Storage.WriteStateAsync(StateName, grainId, state);
            return state;
        }).ToArray();
        go.SetResult();

        var outcomes = await Task.WhenAll(attempts.Select(async attempt =>
        {
            try
            {
                return (Winner: await attempt, Error: (Exception?)null);
            }
            catch (Exception exception)
            {
                return (Winner: (GrainState<Counter>?)null, Error: exception);
            }
        }));

        var winner = Assert.Single(outcomes, o => o.Error is null).Winner!;
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.IsType<InconsistentStateException>(o.Error));
        var stored = await ReadAsync(grainId);
        Assert.Equal(winner.State!.Value, stored.State!.Value);
        Assert.Equal(winner.ETag, stored.ETag);
    }

    private static GrainId NewGrainId() => GrainId.Create("test", $"org-{Guid.NewGuid():N}/item");

    private async Task<GrainState<Counter>> WriteAsync(GrainId grainId, int value, string? etag = null, string stateName = StateName)
    {
        var state = new GrainState<Counter>(new Counter { Value = value }, etag);
        await Storage.WriteStateAsync(stateName, grainId, state);
        return state;
    }

    private async Task<GrainState<Counter>> ReadAsync(GrainId grainId, string stateName = StateName)
    {
        var state = new GrainState<Counter>();
        await Storage.ReadStateAsync(stateName, grainId, state);
        return state;
    }
}
