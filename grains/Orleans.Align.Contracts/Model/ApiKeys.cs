namespace Orleans.Align;

/// <summary>What a credential may do. Admin implies ingest and read.</summary>
public static class Scopes
{
    public const string Admin = "admin";
    public const string Ingest = "ingest";
    public const string Read = "read";

    public static readonly IReadOnlyList<string> All = [Admin, Ingest, Read];

    public static bool IsKnown(string scope) => All.Contains(scope);
}

/// <summary>An API key as stored: only the SHA-256 of the secret is kept.</summary>
[GenerateSerializer, Immutable, Alias("align.api-key")]
public sealed record ApiKeyRecord(
    [property: Id(0)] string OrgId,
    [property: Id(1)] string KeyId,
    [property: Id(2)] string Name,
    [property: Id(3)] IReadOnlyList<string> Scopes,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] bool Revoked = false);

/// <summary>One entry of the revocation feed (<c>IKeyRevocationsGrain</c>).</summary>
[GenerateSerializer, Immutable, Alias("align.key-revocation")]
public sealed record KeyRevocation(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string KeyHash,
    [property: Id(2)] string OrgId,
    [property: Id(3)] string KeyId,
    [property: Id(4)] DateTimeOffset At);

/// <summary>What a gateway learns from one read of the revocation feed; see <c>IKeyRevocationsGrain.ReadSinceAsync</c>.</summary>
[GenerateSerializer, Immutable, Alias("align.key-revocation-batch")]
public sealed record KeyRevocationBatch(
    [property: Id(0)] long Epoch,
    [property: Id(1)] long Sequence,
    [property: Id(2)] IReadOnlyList<KeyRevocation> Revocations,
    [property: Id(3)] bool Complete);
