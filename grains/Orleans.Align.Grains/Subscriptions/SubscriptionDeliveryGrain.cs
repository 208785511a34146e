using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Align.Grains.Subscriptions;

[GenerateSerializer, Alias("align.subscription-delivery-state")]
public sealed class SubscriptionDeliveryState
{
    [Id(0)] public DeliveryTarget? Target { get; set; }

    /// <summary>Oldest first: every pending delivery, and the newest finished ones (<see cref="IntegrationOptions.MaxDeliveriesKept"/>).</summary>
    [Id(1)] public List<DeliveryRecord> Deliveries { get; set; } = [];
}

[GenerateSerializer, Alias("align.delivery-record")]
public sealed class DeliveryRecord
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Type { get; set; } = "";
    [Id(2)] public long EntryId { get; set; }
    [Id(3)] public string Body { get; set; } = "";
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DeliveryState State { get; set; }
    [Id(6)] public DateTimeOffset? NextAttemptAt { get; set; }
    [Id(7)] public List<DeliveryAttempt> Attempts { get; set; } = [];

    public Delivery View() => new(Id, Type, EntryId, CreatedAt, State, NextAttemptAt, [.. Attempts]);
}

/// <summary>
/// One subscription's deliveries. The retry schedule is in the grain's state, not in memory: each delivery
/// says when it is next due, a grain timer sends what is due, and a reminder (registered while anything is
/// pending) brings the grain back after a crash or a deactivation. An attempt is a 2xx (delivered), or
/// anything else (another status, a timeout, a refused address): retried after an exponential, jittered
/// delay until <see cref="IntegrationOptions.RetryWindow"/> from the delivery's creation has passed, then
/// dead-lettered. 410 Gone dead-letters everything pending and turns the subscription off. Redirects are
/// not followed (a 3xx is a failed attempt).
/// </summary>
public sealed class SubscriptionDeliveryGrain(
    [PersistentState("deliveries", StorageNames.Align)] IPersistentState<SubscriptionDeliveryState> state,
    IOptions<IntegrationOptions> options,
    IHttpClientFactory httpClients,
    TimeProvider clock,
    ILogger<SubscriptionDeliveryGrain> logger) : Grain, ISubscriptionDeliveryGrain, IRemindable
{
    public const string HttpClientName = "align-subscriptions";
    private const string ReminderName = "deliveries";
    private const int MaxErrorLength = 300;
    private static readonly TimeSpan TurnLength = TimeSpan.FromSeconds(2);

    private IGrainTimer? _timer;
    private bool _reminderOn;
    private bool _sending;

    private List<DeliveryRecord> Deliveries => state.State.Deliveries;
    private IntegrationOptions Options => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await KeepAwakeAsync();
        Schedule();
    }

    public async Task ConfigureAsync(DeliveryTarget target)
    {
        state.State.Target = target;
        await state.WriteStateAsync();
        Schedule();
    }

    public async Task EnqueueAsync(IReadOnlyList<OutboundMessage> messages)
    {
        var known = Deliveries.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var added = 0;
        foreach (var message in messages)
        {
            if (!known.Add(message.Id)) continue; // handed again after an outbox crash: kept once
            Deliveries.Add(new DeliveryRecord
            {
                Id = message.Id, Type = message.Type, EntryId = message.EntryId, Body = message.Body,
                CreatedAt = now, State = DeliveryState.Pending, NextAttemptAt = now,
            });
            added++;
        }
        if (added == 0) return;
        Trim();
        await state.WriteStateAsync();
        await KeepAwakeAsync();
        Schedule();
    }

    public Task<IReadOnlyList<Delivery>> ListAsync() =>
        Task.FromResult<IReadOnlyList<Delivery>>([.. Enumerable.Reverse(Deliveries).Select(d => d.View())]);

    public async Task<Delivery?> RetryAsync(string deliveryId)
    {
        if (Deliveries.Find(d => d.Id == deliveryId) is not { } delivery) return null;
        if (delivery.State != DeliveryState.DeadLettered)
            throw AlignException.Conflict($"Delivery {deliveryId} is {(delivery.State == DeliveryState.Pending ? "pending" : "delivered")}; only a dead-lettered delivery is retried.");
        // A new retry window from now: the receiver's owner has fixed something.
        delivery.State = DeliveryState.Pending;
        delivery.CreatedAt = clock.GetUtcNow();
        delivery.NextAttemptAt = delivery.CreatedAt;
        await state.WriteStateAsync();
        await KeepAwakeAsync();
        Schedule();
        return delivery.View();
    }

    public async Task RemoveAsync()
    {
        _timer?.Dispose();
        _timer = null;
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
        _reminderOn = false;
        await state.ClearStateAsync();
        state.State = new SubscriptionDeliveryState();
        DeactivateOnIdle();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => SendDueAsync();

    /// <summary>The timer for the next due delivery (one at a time).</summary>
    private void Schedule()
    {
        _timer?.Dispose();
        _timer = null;
        if (state.State.Target is not { Enabled: true }) return;
        var next = Deliveries.Where(d => d.State == DeliveryState.Pending && d.NextAttemptAt is not null).Select(d => d.NextAttemptAt!.Value).DefaultIfEmpty().Min();
        if (next == default) return;
        var due = next - clock.GetUtcNow();
        _timer = this.RegisterGrainTimer(SendDueAsync, new GrainTimerCreationOptions(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan));
    }

    /// <summary>The reminder is on while anything is pending, off when nothing is.</summary>
    private async Task KeepAwakeAsync()
    {
        var pending = Deliveries.Any(d => d.State == DeliveryState.Pending);
        if (pending && !_reminderOn)
        {
            await this.RegisterOrUpdateReminder(ReminderName, Options.ReminderPeriod, Options.ReminderPeriod);
            _reminderOn = true;
        }
        else if (!pending && (_reminderOn || state.RecordExists))
        {
            if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
            _reminderOn = false;
        }
    }

    private async Task SendDueAsync()
    {
        if (_sending) return;
        _sending = true;
        // A turn sends for a short while only and then gives way (the timer comes straight back for the rest):
        // the outbox's hand-overs to this subscription wait for the turn, and must not wait on a dead receiver's timeouts.
        var turn = Stopwatch.StartNew();
        try
        {
            while (turn.Elapsed < TurnLength && state.State.Target is { Enabled: true } target
                && Deliveries.Find(d => d.State == DeliveryState.Pending && d.NextAttemptAt <= clock.GetUtcNow()) is { } due)
            {
                var attempt = await SendAsync(target, due);
                due.Attempts.Add(attempt);
                var now = clock.GetUtcNow();
                if (attempt.Status is >= 200 and < 300)
                {
                    due.State = DeliveryState.Delivered;
                    due.NextAttemptAt = null;
                }
                else if (attempt.Status == 410)
                {
                    Gone(target);
                }
                else
                {
                    var next = now + Delay(due.Attempts.Count);
                    if (next > due.CreatedAt + Options.RetryWindow)
                    {
                        due.State = DeliveryState.DeadLettered;
                        due.NextAttemptAt = null;
                        logger.LogWarning("Delivery {Id} dead-lettered after {Attempts} attempts", due.Id, due.Attempts.Count);
                    }
                    else due.NextAttemptAt = next;
                }
                Trim();
                await state.WriteStateAsync();
            }
            // Past their window while the subscription is off: dead-lettered rather than kept forever.
            var expired = Deliveries.Where(d => d.State == DeliveryState.Pending && clock.GetUtcNow() > d.CreatedAt + Options.RetryWindow).ToList();
            if (expired.Count > 0)
            {
                foreach (var d in expired) (d.State, d.NextAttemptAt) = (DeliveryState.DeadLettered, null);
                await state.WriteStateAsync();
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Sending the due deliveries of {Key} failed; the timer or the reminder tries again", this.GetPrimaryKeyString());
        }
        finally
        {
            _sending = false;
        }
        await KeepAwakeAsync();
        Schedule();
    }

    /// <summary>The receiver is gone for good: everything pending is dead-lettered and the subscription turned off.</summary>
    private void Gone(DeliveryTarget target)
    {
        foreach (var d in Deliveries.Where(d => d.State == DeliveryState.Pending)) (d.State, d.NextAttemptAt) = (DeliveryState.DeadLettered, null);
        state.State.Target = target with { Enabled = false };
        var (orgId, subscriptionId) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _ = GrainFactory.GetGrain<ISubscriptionsGrain>(orgId).DisableAsync(subscriptionId, "The receiver answered 410 Gone.");
    }

    /// <summary>Exponential from <see cref="IntegrationOptions.FirstRetryDelay"/>, capped, ±20 % jitter so that retries do not arrive in step.</summary>
    private TimeSpan Delay(int attempts)
    {
        var exponential = Options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, Options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }

    private async Task<DeliveryAttempt> SendAsync(DeliveryTarget target, DeliveryRecord delivery)
    {
        var at = clock.GetUtcNow();
        var timestamp = at.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        // Every format carries the Standard Webhooks headers: Slack and Teams ignore them, a proxy in between may check them.
        request.Headers.TryAddWithoutValidation("webhook-id", delivery.Id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSignature.Sign(target.Secret, delivery.Id, timestamp, delivery.Body));
        request.Headers.UserAgent.ParseAdd("Orleans.Align-Webhooks/1.0");
        var watch = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(Options.AttemptTimeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return new DeliveryAttempt(at, (int)response.StatusCode, null, Math.Round(watch.Elapsed.TotalMilliseconds, 1));
        }
        catch (Exception ex)
        {
            var error = ex switch
            {
                OperationCanceledException when timeout.IsCancellationRequested => $"Timed out after {Options.AttemptTimeout.TotalSeconds:0.#} s.",
                _ when Find<OutboundAddressRefusedException>(ex) is { } refused => refused.Message,
                _ => $"{(ex.InnerException ?? ex).GetType().Name}: {(ex.InnerException ?? ex).Message}",
            };
            return new DeliveryAttempt(at, null, error.Length <= MaxErrorLength ? error : error[..MaxErrorLength], Math.Round(watch.Elapsed.TotalMilliseconds, 1));
        }
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException) if (ex is T found) return found;
        return null;
    }

    /// <summary>Every pending delivery stays; of the finished ones, the newest are kept.</summary>
    private void Trim()
    {
        var finished = Deliveries.Count(d => d.State != DeliveryState.Pending);
        var drop = finished - Options.MaxDeliveriesKept;
        if (drop <= 0) return;
        Deliveries.RemoveAll(d => d.State != DeliveryState.Pending && drop-- > 0);
    }
}
