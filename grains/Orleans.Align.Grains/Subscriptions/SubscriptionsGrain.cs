using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Align.Grains.Subscriptions;

[GenerateSerializer, Alias("align.subscriptions-state")]
public sealed class SubscriptionsState
{
    [Id(0)] public Dictionary<string, SubscriptionRecord> Subscriptions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The feed change every subscription has been handed everything up to.</summary>
    [Id(1)] public long Cursor { get; set; }
}

/// <summary>A subscription with its secret and the first feed change it receives (those after <see cref="After"/>).</summary>
[GenerateSerializer, Alias("align.subscription-record")]
public sealed record SubscriptionRecord([property: Id(0)] Subscription Subscription, [property: Id(1)] string Secret, [property: Id(2)] long After);

/// <summary>
/// The organization's subscriptions and the outbox that feeds them. The feed pokes it (one-way) after each
/// change; a reminder wakes it while it has subscriptions, so that a poke lost with a silo is made up.
/// Each run reads the feed's changes after its cursor and hands each to the delivery grain of every
/// subscription it matches, which keeps it before answering; only then is the cursor moved and saved. A
/// crash in between hands the same changes again under the same message ids, which the delivery grains
/// skip: every change reaches every subscription at least once.
/// </summary>
public sealed class SubscriptionsGrain(
    [PersistentState("subscriptions", StorageNames.Align)] IPersistentState<SubscriptionsState> state,
    IOptions<IntegrationOptions> options,
    OutboundAddressPolicy policy,
    TimeProvider clock,
    ILogger<SubscriptionsGrain> logger) : Grain, ISubscriptionsGrain, IRemindable
{
    private const string ReminderName = "outbox";
    private const int PageSize = 200;

    private string OrgId => this.GetPrimaryKeyString();
    private Dictionary<string, SubscriptionRecord> Records => state.State.Subscriptions;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Records.Count > 0) await EnsureReminderAsync();
    }

    public async Task<SubscriptionResult> CreateAsync(SubscriptionDraft draft)
    {
        if (policy.Refuse(draft.Url) is { } refused) return new SubscriptionResult(null, UrlRefused: refused);
        if (Records.Count >= options.Value.MaxSubscriptions)
            throw AlignException.Conflict($"The organization has {Records.Count} subscriptions, the most it may have; delete one first.");
        var last = await Feed.LastChangeAsync();
        if (Records.Count == 0) state.State.Cursor = Math.Max(state.State.Cursor, last); // nothing before the first subscription is owed to anyone
        string id;
        do id = "sub-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)); while (Records.ContainsKey(id));
        var now = clock.GetUtcNow();
        var subscription = new Subscription(id, draft.Name, draft.Url, draft.Format, draft.Filter, draft.Enabled, now, now);
        var record = new SubscriptionRecord(subscription, WebhookSignature.NewSecret(), last);
        // The delivery grain knows its target before anything is handed to it.
        await DeliveriesOf(id).ConfigureAsync(TargetOf(record));
        Records[id] = record;
        await state.WriteStateAsync();
        await EnsureReminderAsync();
        return new SubscriptionResult(subscription, record.Secret);
    }

    public Task<IReadOnlyList<Subscription>> ListAsync() =>
        Task.FromResult<IReadOnlyList<Subscription>>([.. Records.Values.Select(r => r.Subscription).OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal)]);

    public Task<Subscription?> GetAsync(string id) => Task.FromResult(Records.GetValueOrDefault(id)?.Subscription);

    public async Task<SubscriptionResult> UpdateAsync(string id, SubscriptionDraft draft)
    {
        if (!Records.TryGetValue(id, out var record)) return new SubscriptionResult(null);
        if (policy.Refuse(draft.Url) is { } refused) return new SubscriptionResult(null, UrlRefused: refused);
        var changed = record with
        {
            Subscription = record.Subscription with
            {
                Name = draft.Name, Url = draft.Url, Format = draft.Format, Filter = draft.Filter, Enabled = draft.Enabled,
                DisabledReason = draft.Enabled ? null : record.Subscription.DisabledReason,
            },
        };
        await DeliveriesOf(id).ConfigureAsync(TargetOf(changed));
        Records[id] = changed;
        await state.WriteStateAsync();
        return new SubscriptionResult(changed.Subscription);
    }

    public async Task<bool> DeleteAsync(string id)
    {
        if (!Records.Remove(id)) return false;
        await state.WriteStateAsync();
        await DeliveriesOf(id).RemoveAsync();
        if (Records.Count == 0 && await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
        return true;
    }

    public async Task<string?> RotateSecretAsync(string id)
    {
        if (!Records.TryGetValue(id, out var record)) return null;
        var changed = record with { Secret = WebhookSignature.NewSecret(), Subscription = record.Subscription with { SecretIssuedAt = clock.GetUtcNow() } };
        await DeliveriesOf(id).ConfigureAsync(TargetOf(changed));
        Records[id] = changed;
        await state.WriteStateAsync();
        return changed.Secret;
    }

    public async Task DisableAsync(string id, string reason)
    {
        if (!Records.TryGetValue(id, out var record) || !record.Subscription.Enabled) return;
        Records[id] = record with { Subscription = record.Subscription with { Enabled = false, DisabledReason = reason } };
        await state.WriteStateAsync();
        logger.LogWarning("Subscription {Id} of {OrgId} turned off: {Reason}", id, OrgId, reason);
    }

    public Task PokeAsync() => DispatchAsync();

    public Task ReceiveReminder(string reminderName, TickStatus status) => DispatchAsync();

    /// <summary>Hands the feed's changes after the cursor to the subscriptions they match, page by page.</summary>
    private async Task DispatchAsync()
    {
        if (Records.Count == 0) return;
        try
        {
            for (var page = 0; page < 50; page++)
            {
                var updates = await Feed.ChangesAfterAsync(state.State.Cursor, PageSize);
                if (updates.Through <= state.State.Cursor) return;
                var messages = new Dictionary<string, List<OutboundMessage>>(StringComparer.Ordinal);
                foreach (var update in updates.Changes)
                {
                    foreach (var (id, record) in Records)
                    {
                        var subscription = record.Subscription;
                        if (!subscription.Enabled || update.Sequence <= record.After || !subscription.Filter.Matches(update.Entry)) continue;
                        if (!messages.TryGetValue(id, out var list)) messages[id] = list = [];
                        list.Add(SubscriptionMessages.Render(OrgId, id, subscription.Format, update, options.Value.PublicBaseUrl));
                    }
                }
                // Kept by every delivery grain before the cursor moves: at least once.
                await Task.WhenAll(messages.Select(m => DeliveriesOf(m.Key).EnqueueAsync(m.Value)));
                state.State.Cursor = updates.Through;
                await state.WriteStateAsync();
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "The outbox of {OrgId} stopped at feed change {Cursor}; it goes on at its next poke or reminder", OrgId, state.State.Cursor);
        }
    }

    private async Task EnsureReminderAsync()
    {
        var period = options.Value.ReminderPeriod;
        await this.RegisterOrUpdateReminder(ReminderName, period, period);
    }

    private IFeedGrain Feed => GrainFactory.GetGrain<IFeedGrain>(OrgId);

    private ISubscriptionDeliveryGrain DeliveriesOf(string id) => GrainFactory.GetGrain<ISubscriptionDeliveryGrain>(GrainKeys.For(OrgId, id));

    private static DeliveryTarget TargetOf(SubscriptionRecord record) =>
        new(record.Subscription.Url, record.Subscription.Format, record.Secret, record.Subscription.Enabled);
}
