using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>
/// An organization's outbound subscriptions and its outbox: it follows the feed's changes with a
/// persisted cursor and hands each change to the delivery grain of every subscription it matches
/// before it moves the cursor. Key: the organization id.
/// </summary>
[Alias("align.ISubscriptionsGrain")]
public interface ISubscriptionsGrain : IGrainWithStringKey
{
    /// <summary>A new subscription and its signing secret; or, with nothing created, why its URL is refused.</summary>
    [Alias("Create")]
    Task<SubscriptionResult> CreateAsync(SubscriptionDraft draft);

    [Alias("List")]
    Task<IReadOnlyList<Subscription>> ListAsync();

    [Alias("Get")]
    Task<Subscription?> GetAsync(string id);

    /// <summary>Replaces what the draft says; the secret is kept. Null subscription: no such subscription.</summary>
    [Alias("Update")]
    Task<SubscriptionResult> UpdateAsync(string id, SubscriptionDraft draft);

    /// <summary>False when there is no such subscription. Its pending deliveries are dropped.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync(string id);

    /// <summary>A new signing secret (the old one stops signing at once); null when there is no such subscription.</summary>
    [Alias("RotateSecret")]
    Task<string?> RotateSecretAsync(string id);

    /// <summary>
    /// The receiver said 410 Gone: the subscription is turned off until an admin turns it on again. One-way:
    /// the delivery grain that says so may be the one the outbox is handing a change to.
    /// </summary>
    [Alias("Disable"), OneWay]
    Task DisableAsync(string id, string reason);

    /// <summary>The feed changed: read it from the cursor. Never blocks the caller.</summary>
    [Alias("Poke"), OneWay]
    Task PokeAsync();
}

/// <summary>Where and how one subscription's deliveries go.</summary>
[GenerateSerializer, Immutable, Alias("align.delivery-target")]
public sealed record DeliveryTarget(
    [property: Id(0)] string Url,
    [property: Id(1)] SubscriptionFormat Format,
    [property: Id(2)] string Secret,
    [property: Id(3)] bool Enabled);

/// <summary>A rendered message for one subscription: its stable id, event type, entry and body.</summary>
[GenerateSerializer, Immutable, Alias("align.outbound-message")]
public sealed record OutboundMessage(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] long EntryId,
    [property: Id(3)] string Body);

/// <summary>
/// One subscription's deliveries: sends, retries with backoff on a durable schedule, dead-letters,
/// and keeps the delivery log. Key: <c>{org}/{subscription}</c>.
/// </summary>
[Alias("align.ISubscriptionDeliveryGrain")]
public interface ISubscriptionDeliveryGrain : IGrainWithStringKey
{
    [Alias("Configure")]
    Task ConfigureAsync(DeliveryTarget target);

    /// <summary>Keeps the messages (those it already has are skipped) before returning; sends them afterwards.</summary>
    [Alias("Enqueue")]
    Task EnqueueAsync(IReadOnlyList<OutboundMessage> messages);

    /// <summary>The delivery log, newest first.</summary>
    [Alias("List"), AlwaysInterleave]
    Task<IReadOnlyList<Delivery>> ListAsync();

    /// <summary>A dead-lettered delivery back to pending, due now. Null: no such delivery; Conflict: it is not dead-lettered.</summary>
    [Alias("Retry")]
    Task<Delivery?> RetryAsync(string deliveryId);

    /// <summary>Forgets the target and every delivery (the subscription was deleted).</summary>
    [Alias("Remove")]
    Task RemoveAsync();
}
