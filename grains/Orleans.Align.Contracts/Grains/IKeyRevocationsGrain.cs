namespace Orleans.Align.Grains;

/// <summary>
/// The platform's revocation feed: every revoked key, numbered, so that each gateway can ask "what
/// was revoked after the last one I saw?" several times a second and know it has missed nothing.
/// Key: always 0.
/// </summary>
[Alias("align.IKeyRevocationsGrain")]
public interface IKeyRevocationsGrain : IGrainWithIntegerKey
{
    [Alias("Publish")]
    Task PublishAsync(string keyHash, string orgId, string keyId);

    /// <summary>
    /// The revocations after <paramref name="after"/> in feed <paramref name="epoch"/>. When the caller
    /// cannot be told everything it missed (another epoch: the feed was lost and started again; or
    /// older revocations already trimmed), the batch says <see cref="KeyRevocationBatch.Complete"/> false
    /// and the caller must re-check every key it trusts.
    /// </summary>
    [Alias("ReadSince")]
    Task<KeyRevocationBatch> ReadSinceAsync(long epoch, long after);
}
