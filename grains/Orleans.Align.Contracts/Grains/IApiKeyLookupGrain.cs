namespace Orleans.Align.Grains;

/// <summary>
/// Resolves a credential by its hash straight from grain storage, without activating the key's
/// <see cref="IApiKeyGrain"/>: a stateless worker (a few activations per silo, whatever the number of
/// keys), so a flood of unknown keys costs storage reads and no activations. Key: always 0.
/// </summary>
[Alias("align.IApiKeyLookupGrain")]
public interface IApiKeyLookupGrain : IGrainWithIntegerKey
{
    /// <summary>The key's record if it exists and is not revoked, read from storage now (authoritative); otherwise null.</summary>
    [Alias("Find")]
    Task<ApiKeyRecord?> FindAsync(string keyHash);
}
