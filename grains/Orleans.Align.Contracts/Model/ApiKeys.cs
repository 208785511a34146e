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

/// <summary>
/// An API key, or a wall-screen board link, as stored: only the SHA-256 of the secret is kept. A board
/// link has no scopes, names its <see cref="Board"/> and may expire (<see cref="ExpiresAt"/>); it is
/// stored, looked up and revoked exactly like a key.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.api-key")]
public sealed record ApiKeyRecord(
    [property: Id(0)] string OrgId,
    [property: Id(1)] string KeyId,
    [property: Id(2)] string Name,
    [property: Id(3)] IReadOnlyList<string> Scopes,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] bool Revoked = false,
    [property: Id(6)] string? Board = null,
    [property: Id(7)] DateTimeOffset? ExpiresAt = null,
    [property: Id(8)] string? CreatedBy = null)
{
    /// <summary>True for a board link (it reads its board only), false for an API key.</summary>
    public bool IsBoardLink => Board is not null;

    /// <summary>True when the credential has expired at <paramref name="now"/> (API keys never expire).</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } at && now >= at;
}

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

/// <summary>Who asks for a board link: an API key (its hash) or a person (email and session id).</summary>
[GenerateSerializer, Immutable, Alias("align.board-link-issuer")]
public sealed record BoardLinkIssuer(
    [property: Id(0)] string? KeyHash,
    [property: Id(1)] string? Email,
    [property: Id(2)] string? SessionId);

/// <summary>The departments a board concerns, for <see cref="AlignAction.ManageBoardLinks"/>: a department board's department, else none.</summary>
public static class BoardLinkScope
{
    public static IReadOnlyCollection<string> DepartmentsOf(string boardId) =>
        BoardIds.TryParseDepartment(boardId, out var department) ? [department!] : [];
}
