using System.Security.Cryptography;

namespace Orleans.Align.Grains.Keys;

[GenerateSerializer, Alias("align.key-revocations-state")]
public sealed class KeyRevocationsState
{
    /// <summary>Random, chosen when the feed is first created: a gateway that sees it change knows the feed started over.</summary>
    [Id(0)] public long Epoch { get; set; }
    [Id(1)] public long Sequence { get; set; }
    [Id(2)] public List<KeyRevocation> Recent { get; set; } = [];
}

/// <summary>
/// The revocation feed every gateway polls (<see cref="IKeyRevocationsGrain"/>). It keeps the newest
/// <see cref="Keep"/> revocations; a gateway further behind than that re-checks every key it trusts.
/// Not reentrant on purpose: a read never sees a revocation that is not stored yet.
/// </summary>
public sealed class KeyRevocationsGrain(
    [PersistentState("key-revocations", StorageNames.Align)] IPersistentState<KeyRevocationsState> state,
    TimeProvider clock) : Grain, IKeyRevocationsGrain
{
    public const int Keep = 10_000;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Epoch != 0) return;
        state.State.Epoch = (BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue) | 1;
        await state.WriteStateAsync(cancellationToken);
    }

    public async Task PublishAsync(string keyHash, string orgId, string keyId)
    {
        var s = state.State;
        var revocation = new KeyRevocation(s.Sequence + 1, keyHash, orgId, keyId, clock.GetUtcNow());
        s.Recent.Add(revocation);
        s.Sequence = revocation.Sequence;
        var trimmed = s.Recent.Count > Keep ? s.Recent[0] : null;
        if (trimmed is not null) s.Recent.RemoveAt(0);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored, so not announced: undo, and the caller's retry publishes again.
            s.Recent.Remove(revocation);
            if (trimmed is not null) s.Recent.Insert(0, trimmed);
            s.Sequence = revocation.Sequence - 1;
            throw;
        }
    }

    public Task<KeyRevocationBatch> ReadSinceAsync(long epoch, long after)
    {
        var s = state.State;
        var oldest = s.Recent.Count > 0 ? s.Recent[0].Sequence : s.Sequence + 1;
        var complete = epoch == s.Epoch && after <= s.Sequence && after >= oldest - 1;
        IReadOnlyList<KeyRevocation> revocations = complete ? [.. s.Recent.Where(r => r.Sequence > after)] : [];
        return Task.FromResult(new KeyRevocationBatch(s.Epoch, s.Sequence, revocations, complete));
    }
}
