namespace Orleans.Align;

/// <summary>Who did something: an API key (its id and name), a person (their email) or the platform operator.</summary>
[GenerateSerializer, Immutable, Alias("align.audit-actor")]
public sealed record AuditActor(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string Display)
{
    public const string Key = "key", Person = "person", Platform = "platform";
}

/// <summary>What an audited action was done to: a type (<c>key</c>, <c>rule</c>...) and its id, when it has one.</summary>
[GenerateSerializer, Immutable, Alias("align.audit-target")]
public sealed record AuditTarget(
    [property: Id(0)] string Type,
    [property: Id(1)] string? Id);

/// <summary>
/// One entry of an organization's audit log. <see cref="Id"/> is monotonic per organization (1, 2, 3...,
/// no gaps) and <see cref="At"/> never goes back as ids grow; entries are never changed or removed.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.audit-entry")]
public sealed record AuditEntry(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] AuditActor Actor,
    [property: Id(3)] string Action,
    [property: Id(4)] AuditTarget Target,
    [property: Id(5)] string Outcome,
    [property: Id(6)] int Status,
    [property: Id(7)] IReadOnlyDictionary<string, string>? Detail = null)
{
    public const string Succeeded = "succeeded", Failed = "failed";
}

/// <summary>
/// A page of the audit log, newest first: entries with ids below <see cref="Before"/> (all when null)
/// that match every filter given. <see cref="Action"/> is a verb (<c>key.created</c>) or a family
/// (<c>key</c>: every <c>key.*</c>); <see cref="Actor"/> matches the actor's id exactly (an email, a key's id, <c>platform</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("align.audit-query")]
public sealed record AuditQuery(
    [property: Id(0)] long? Before = null,
    [property: Id(1)] int Limit = 50,
    [property: Id(2)] string? Action = null,
    [property: Id(3)] string? Actor = null,
    [property: Id(4)] DateTimeOffset? Since = null,
    [property: Id(5)] DateTimeOffset? Until = null);

/// <summary>
/// The entries found, newest first, and <see cref="Next"/>: the <c>before</c> to ask for the rest
/// (null when nothing older remains). A page may hold fewer than the limit while <see cref="Next"/>
/// is set: one request examines a bounded number of entries.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.audit-page")]
public sealed record AuditPage(
    [property: Id(0)] IReadOnlyList<AuditEntry> Entries,
    [property: Id(1)] long? Next);
