using Orleans.Align.Grains;
using Orleans.Align.Grains.Log;
using Orleans.Align.Tests.Support;

namespace Orleans.Align.Tests.Telemetry;

/// <summary>The product's own stores are timed per call and their failures counted, by store and operation.</summary>
public sealed class MeteredStoresTests
{
    [Fact]
    public async Task A_store_call_is_timed_and_a_failed_one_is_counted_as_a_failure_by_store_and_operation()
    {
        using var meters = new MeterRecorder(AlignMetrics.MeterName);
        var orgId = $"t-{Guid.NewGuid():N}"[..14];
        var store = new MeteredEventLogStore(new MemoryEventLogStore());

        Assert.Equal(0, await store.GetLastSequenceAsync(orgId));
        var failing = new MeteredEventLogStore(new UnreachableStore());
        await Assert.ThrowsAsync<IOException>(() => failing.AppendAsync(orgId, []));

        bool Tagged(MeterRecorder.Measured m, string operation) =>
            Equals(m.Tags[AlignMetrics.StoreTag], MeteredStores.EventLog) && Equals(m.Tags[AlignMetrics.OperationTag], operation);
        Assert.Contains(meters.Of("align.storage.duration"), m => Tagged(m, "last-sequence"));
        Assert.Contains(meters.Of("align.storage.duration"), m => Tagged(m, "append"));
        Assert.Contains(meters.Of("align.storage.failures"), m => Tagged(m, "append") && m.Value == 1);
        Assert.DoesNotContain(meters.Of("align.storage.failures"), m => Tagged(m, "last-sequence"));
    }

    private sealed class UnreachableStore : IEventLogStore
    {
        public Task AppendAsync(string orgId, IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken = default) =>
            Task.FromException(new IOException("storage does not answer"));

        public Task<IReadOnlyList<LoggedEvent>> ReadAsync(string orgId, long fromSequence, int maxCount, CancellationToken cancellationToken = default) => throw new IOException();

        public Task<long> GetLastSequenceAsync(string orgId, CancellationToken cancellationToken = default) => throw new IOException();

        public Task<long> ReloadAsync(string orgId, CancellationToken cancellationToken = default) => throw new IOException();
    }
}
