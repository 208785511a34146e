namespace Orleans.Align.Grains;

/// <summary>
/// A credential's record, written through this grain. Key: the SHA-256 (hex) of the secret, so nothing
/// ever sees the secret itself. Authentication does not call it: it reads the record through
/// <see cref="IApiKeyLookupGrain"/>, so an unknown key activates nothing.
/// </summary>
[Alias("align.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task RegisterAsync(ApiKeyRecord record);

    /// <summary>Marks the key revoked, then announces it on <see cref="IKeyRevocationsGrain"/>. Idempotent: a retry announces again.</summary>
    [Alias("Revoke")]
    Task RevokeAsync();
}
