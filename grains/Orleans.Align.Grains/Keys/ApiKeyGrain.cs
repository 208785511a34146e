using Orleans.Align.Grains.Catalogue;

namespace Orleans.Align.Grains.Keys;

/// <summary>
/// Writes a key's record, keyed by the secret's hash. Only the organization calls it (to register and
/// to revoke); authentication reads the same state through <see cref="ApiKeyLookupGrain"/>, so this
/// grain is activated by keys that exist, never by whatever a caller presents.
/// </summary>
public sealed class ApiKeyGrain(
    [PersistentState(ApiKeyGrain.StateName, StorageNames.Align)] IPersistentState<StoredValue<ApiKeyRecord>> state) : Grain, IApiKeyGrain
{
    /// <summary>The state's name in grain storage; <see cref="ApiKeyLookupGrain"/> reads it by this name.</summary>
    public const string StateName = "apikey";

    public async Task RegisterAsync(ApiKeyRecord record)
    {
        if (state.State.Value is not null) throw AlignException.Conflict("This key is already registered.");
        state.State.Value = record;
        await state.WriteStateAsync();
    }

    public async Task RevokeAsync()
    {
        if (state.State.Value is not { } record) return;
        if (!record.Revoked)
        {
            state.State.Value = record with { Revoked = true };
            await state.WriteStateAsync();
        }
        // Stored first, announced second: a gateway that hears of it and looks the key up finds it revoked.
        // Announced again on a retry, in case the first announcement failed after the write.
        await GrainFactory.GetGrain<IKeyRevocationsGrain>(0).PublishAsync(this.GetPrimaryKeyString(), record.OrgId, record.KeyId);
    }
}
