namespace Orleans.Align;

/// <summary>How a subscription's deliveries are shaped.</summary>
[GenerateSerializer, Alias("align.subscription-format")]
public enum SubscriptionFormat
{
    /// <summary>A JSON event (<c>type</c>, <c>timestamp</c>, <c>data</c>) signed per the Standard Webhooks specification.</summary>
    StandardWebhooks = 0,
    /// <summary>A Slack incoming-webhook message (<c>text</c> and <c>blocks</c>); the URL is the credential, nothing is signed.</summary>
    Slack = 1,
    /// <summary>A Microsoft Teams (Workflows) incoming-webhook message carrying an Adaptive Card; the URL is the credential.</summary>
    Teams = 2,
}

/// <summary>
/// Which feed entries a subscription receives. Each list narrows (an empty or missing list: any); an
/// entry must pass every list given. Departments match the entry's department or the departments it
/// is addressed to, campaigns any campaign it concerns, goals its goal.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.subscription-filter")]
public sealed record SubscriptionFilter(
    [property: Id(0)] IReadOnlyList<FeedKind>? Kinds = null,
    [property: Id(1)] IReadOnlyList<string>? Departments = null,
    [property: Id(2)] IReadOnlyList<string>? Campaigns = null,
    [property: Id(3)] IReadOnlyList<string>? Goals = null)
{
    public bool Matches(FeedEntry entry) =>
        (Kinds is not { Count: > 0 } || Kinds.Contains(entry.Kind))
        && (Departments is not { Count: > 0 } || Departments.Any(d => entry.Department == d || entry.To?.Contains(d) == true))
        && (Campaigns is not { Count: > 0 } || Campaigns.Any(c => entry.Campaigns?.Contains(c) == true))
        && (Goals is not { Count: > 0 } || (entry.GoalId is { } goal && Goals.Contains(goal)));
}

/// <summary>What an admin asks for: a name, where to, in which format, and which entries.</summary>
[GenerateSerializer, Immutable, Alias("align.subscription-draft")]
public sealed record SubscriptionDraft(
    [property: Id(0)] string Name,
    [property: Id(1)] string Url,
    [property: Id(2)] SubscriptionFormat Format,
    [property: Id(3)] SubscriptionFilter Filter,
    [property: Id(4)] bool Enabled = true);

/// <summary>An organization's subscription to its feed. The signing secret is never part of it (shown once, on creation or rotation).</summary>
[GenerateSerializer, Immutable, Alias("align.subscription")]
public sealed record Subscription(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Url,
    [property: Id(3)] SubscriptionFormat Format,
    [property: Id(4)] SubscriptionFilter Filter,
    [property: Id(5)] bool Enabled,
    [property: Id(6)] DateTimeOffset CreatedAt,
    // When the current signing secret was issued (created or rotated).
    [property: Id(8)] DateTimeOffset SecretIssuedAt,
    // Why it was turned off by the system (the receiver answered 410 Gone); null while enabled or when an admin turned it off.
    [property: Id(7)] string? DisabledReason = null);

/// <summary>A subscription created (with its secret, shown this once), or why its URL was refused.</summary>
[GenerateSerializer, Immutable, Alias("align.subscription-created")]
public sealed record SubscriptionResult(
    [property: Id(0)] Subscription? Subscription,
    [property: Id(1)] string? Secret = null,
    [property: Id(2)] string? UrlRefused = null);

[GenerateSerializer, Alias("align.delivery-state")]
public enum DeliveryState
{
    Pending = 0,
    Delivered = 1,
    DeadLettered = 2,
}

/// <summary>One try: when, the receiver's HTTP status or the error (timeout, refused address...), and how long it took.</summary>
[GenerateSerializer, Immutable, Alias("align.delivery-attempt")]
public sealed record DeliveryAttempt(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int? Status,
    [property: Id(2)] string? Error,
    [property: Id(3)] double DurationMs);

/// <summary>
/// One feed change on its way to one subscription. <see cref="Id"/> is the <c>webhook-id</c>, the same on
/// every attempt: the receiver's dedupe key.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.delivery")]
public sealed record Delivery(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] long EntryId,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DeliveryState State,
    [property: Id(5)] DateTimeOffset? NextAttemptAt,
    [property: Id(6)] IReadOnlyList<DeliveryAttempt> Attempts);

/// <summary>What the feed changed, in order: an entry posted, an alert acknowledged or resolved.</summary>
[GenerateSerializer, Alias("align.feed-change-kind")]
public enum FeedChangeKind
{
    Posted = 0,
    Acknowledged = 1,
    Resolved = 2,
}

/// <summary>A change of the feed with its consecutive sequence number and the entry as it is now.</summary>
[GenerateSerializer, Immutable, Alias("align.feed-update")]
public sealed record FeedUpdate(
    [property: Id(0)] long Sequence,
    [property: Id(1)] FeedChangeKind Kind,
    [property: Id(2)] FeedEntry Entry);

/// <summary>
/// Changes after a sequence number, and the sequence number the reader has now seen everything through
/// (changes whose entry the bounded feed no longer keeps are passed over, not returned).
/// </summary>
[GenerateSerializer, Immutable, Alias("align.feed-updates")]
public sealed record FeedUpdates(
    [property: Id(0)] IReadOnlyList<FeedUpdate> Changes,
    [property: Id(1)] long Through);
