using Microsoft.Extensions.DependencyInjection;
using Orleans.Align.Grains.Catalogue;
using Orleans.Concurrency;
using Orleans.Storage;

namespace Orleans.Align.Grains.Keys;

/// <summary>
/// Reads a key's record from grain storage, where <see cref="ApiKeyGrain"/> writes it, without
/// activating that grain. Every silo runs a few of these whatever the number of keys, so a flood of
/// unknown (even well-formed) keys costs a storage read each and leaves nothing behind in memory.
/// The read is authoritative: a revocation is stored before it is announced.
/// </summary>
[StatelessWorker]
public sealed class ApiKeyLookupGrain(IServiceProvider services) : Grain, IApiKeyLookupGrain
{
    private readonly IGrainStorage _storage = services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Align);

    public async Task<ApiKeyRecord?> FindAsync(string keyHash)
    {
        if (!IsHash(keyHash)) return null;
        var id = GrainFactory.GetGrain<IApiKeyGrain>(keyHash).GetGrainId(); // a reference: activates nothing
        var stored = new GrainState<StoredValue<ApiKeyRecord>>(new StoredValue<ApiKeyRecord>());
        await _storage.ReadStateAsync(ApiKeyGrain.StateName, id, stored);
        return stored.State?.Value is { Revoked: false } record ? record : null;
    }

    /// <summary>64 lower-case hex digits, as the gateway's SHA-256 hashes are; anything else names no key.</summary>
    private static bool IsHash(string value) =>
        value is { Length: 64 } && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
