using Orleans.Align.Sources;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Orleans.Align.Grains.Sources;

[GenerateSerializer, Alias("align.source-state")]
public sealed class SourceState
{
    [Id(0)] public SourceDefinition? Definition { get; set; }
    [Id(1)] public string? Secret { get; set; }
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public DateTimeOffset SecretSetAt { get; set; }
    [Id(4)] public SourceCounters Counters { get; set; } = new();
    [Id(5)] public List<SourceFailure> Failures { get; set; } = [];
}

/// <summary>
/// One webhook source (<see cref="ISourceGrain"/>). The secret is checked here and never returned.
/// Definition changes are written at once; counters and failures are written at most every
/// <see cref="FlushEvery"/> (and on deactivation), so that a flood of badly signed requests costs no
/// storage writes: a silo crash may lose the last few seconds of counts, never an event (events are in
/// the organization's log before the delivery is acknowledged).
/// </summary>
public sealed class SourceGrain(
    [PersistentState("source", StorageNames.Align)] IPersistentState<SourceState> state,
    TimeProvider clock,
    ILogger<SourceGrain> logger) : Grain, ISourceGrain
{
    public const int MaxFailures = 50;
    public const int MaxFailurePayloadChars = 2000;
    public static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(5);

    private bool _dirty;
    private IGrainTimer? _flush;

    private string OrgId => GrainKeys.OrgOf(this.GetPrimaryKeyString());
    private string SourceId => GrainKeys.Parse(this.GetPrimaryKeyString()).LocalId;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _flush = this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushEvery, FlushEvery) { KeepAlive = false });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _flush?.Dispose();
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_dirty || state.State.Definition is null) return;
        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            _dirty = true;
            logger.LogWarning(ex, "Could not store the counters of source {Source}; retrying at the next flush.", this.GetPrimaryKeyString());
        }
    }

    public async Task<SourceView> DefineAsync(SourceDefinition definition, string secret)
    {
        if (state.State.Definition is not null) throw AlignException.Conflict($"Source '{definition.Id}' already exists.");
        var now = clock.GetUtcNow();
        state.State = new SourceState { Definition = definition, Secret = secret, CreatedAt = now, SecretSetAt = now };
        await state.WriteStateAsync();
        return View();
    }

    public async Task<SourceView?> ChangeAsync(string name, SourceMapping mapping)
    {
        if (state.State.Definition is not { } definition) return null;
        state.State.Definition = definition with { Name = name, Mapping = mapping };
        await state.WriteStateAsync();
        _dirty = false;
        return View();
    }

    public async Task<bool> RotateSecretAsync(string secret)
    {
        if (state.State.Definition is null) return false;
        state.State.Secret = secret;
        state.State.SecretSetAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        _dirty = false;
        return true;
    }

    public Task<SourceView?> GetAsync() => Task.FromResult(state.State.Definition is null ? null : View());

    public Task<IReadOnlyList<SourceFailure>?> GetFailuresAsync() =>
        Task.FromResult<IReadOnlyList<SourceFailure>?>(state.State.Definition is null ? null : state.State.Failures.AsEnumerable().Reverse().ToList());

    public async Task<bool> DeleteAsync()
    {
        if (state.State.Definition is null) return false;
        await state.ClearStateAsync();
        state.State = new SourceState();
        _dirty = false;
        return true;
    }

    public async Task<WebhookOutcome> ReceiveAsync(WebhookDelivery delivery)
    {
        if (state.State.Definition is not { } source || state.State.Secret is not { } secret) return new WebhookOutcome(WebhookOutcomeKind.NotFound);
        var now = clock.GetUtcNow();
        var check = Verify(source.Scheme, secret, delivery, now);
        if (!check.Valid)
        {
            Count(c => c with { BadSignatures = c.BadSignatures + 1, LastBadSignatureAt = now });
            return new WebhookOutcome(WebhookOutcomeKind.BadSignature, Detail: check.Reason);
        }

        var mapped = SourceMapper.Map(SourceId, source, delivery.Headers, delivery.Body, now);
        if (mapped.Failure is { } reason) return Failed(now, reason, mapped, delivery);
        if (mapped.Events.Count == 0)
        {
            Count(c => c with { Deliveries = c.Deliveries + 1, Ignored = c.Ignored + 1, LastDeliveryAt = now });
            return new WebhookOutcome(WebhookOutcomeKind.Ignored, Ignored: mapped.Ignored,
                Detail: $"No rule of this source counts '{mapped.EventType ?? "(no type)"}'; acknowledged and not counted.");
        }

        IngestResult result;
        try
        {
            result = await GrainFactory.GetGrain<IIngestLogGrain>(OrgId).AppendAsync(mapped.Events);
        }
        catch (AlignException ex) when (ex.Kind == AlignErrorKind.Invalid)
        {
            // The caller is a tool, not the organization: its answer does not name the organization.
            return Failed(now, $"The organization's log refused the events: {ex.Message.Replace($" in organization '{OrgId}'", "", StringComparison.Ordinal)}", mapped, delivery);
        }
        if (result.Conflicts is { Count: > 0 } conflicts)
        {
            return Failed(now, $"Delivery '{mapped.DeliveryId}' was counted before with different content (event {conflicts[0].Id}); the counted events stand.", mapped, delivery);
        }
        Count(c => c with
        {
            Deliveries = c.Deliveries + 1,
            EventsAccepted = c.EventsAccepted + result.Accepted,
            EventsDuplicate = c.EventsDuplicate + result.Duplicates,
            LastDeliveryAt = now,
        });
        return new WebhookOutcome(WebhookOutcomeKind.Accepted, result.Accepted, result.Duplicates, mapped.Ignored);
    }

    private static SignatureCheck Verify(SourceScheme scheme, string secret, WebhookDelivery d, DateTimeOffset now)
    {
        string? H(string name) => d.Headers.TryGetValue(name, out var v) ? v : null;
        return scheme switch
        {
            SourceScheme.Hubspot => WebhookSignatures.HubSpotV3(secret, d.Method, d.Url, d.Body, H("x-hubspot-signature-v3"), H("x-hubspot-request-timestamp"), now),
            SourceScheme.Shopify => WebhookSignatures.Shopify(secret, d.Body, H("x-shopify-hmac-sha256")),
            SourceScheme.Stripe => WebhookSignatures.Stripe(secret, d.Body, H("stripe-signature"), now),
            _ => WebhookSignatures.StandardWebhooks(secret, H("webhook-id"), H("webhook-timestamp"), H("webhook-signature"), d.Body, now),
        };
    }

    private WebhookOutcome Failed(DateTimeOffset now, string reason, MappedDelivery mapped, WebhookDelivery delivery)
    {
        var text = Encoding.UTF8.GetString(delivery.Body);
        var truncated = text.Length > MaxFailurePayloadChars;
        var failures = state.State.Failures;
        failures.Add(new SourceFailure(now, reason, mapped.DeliveryId, mapped.EventType, truncated ? text[..MaxFailurePayloadChars] : text, truncated));
        if (failures.Count > MaxFailures) failures.RemoveRange(0, failures.Count - MaxFailures);
        Count(c => c with { Deliveries = c.Deliveries + 1, Failed = c.Failed + 1, LastDeliveryAt = now });
        return new WebhookOutcome(WebhookOutcomeKind.Unmapped, Detail: reason);
    }

    private void Count(Func<SourceCounters, SourceCounters> change)
    {
        state.State.Counters = change(state.State.Counters);
        _dirty = true;
    }

    private SourceView View()
    {
        var s = state.State;
        var d = s.Definition!;
        return new SourceView(d.Id, d.Name, d.Scheme, d.Mapping, $"/api/v1/sources/{d.Id}/webhook", s.CreatedAt, s.SecretSetAt, s.Counters);
    }
}

/// <summary>Source id → organization (<see cref="ISourceDirectoryGrain"/>).</summary>
public sealed class SourceDirectoryGrain(
    [PersistentState("source-directory", StorageNames.Align)] IPersistentState<Catalogue.StoredValue<string>> state) : Grain, ISourceDirectoryGrain
{
    public async Task RegisterAsync(string orgId)
    {
        if (state.State.Value == orgId) return;
        if (state.State.Value is not null) throw AlignException.Conflict("This source id is taken.");
        state.State.Value = orgId;
        await state.WriteStateAsync();
    }

    public async Task UnregisterAsync(string orgId)
    {
        if (state.State.Value != orgId) return;
        await state.ClearStateAsync();
        state.State = new Catalogue.StoredValue<string>();
    }

    public Task<string?> FindAsync() => Task.FromResult(state.State.Value);
}

[GenerateSerializer, Alias("align.source-list-state")]
public sealed class SourceListState
{
    [Id(0)] public List<string> Ids { get; set; } = [];
}

/// <summary>An organization's source ids (<see cref="ISourceListGrain"/>), at most <see cref="MaxSources"/>.</summary>
public sealed class SourceListGrain(
    [PersistentState("sources", StorageNames.Align)] IPersistentState<SourceListState> state) : Grain, ISourceListGrain
{
    public const int MaxSources = SourcePresets.MaxSources;

    public async Task<bool> AddAsync(string sourceId)
    {
        if (state.State.Ids.Contains(sourceId)) return true;
        if (state.State.Ids.Count >= MaxSources) return false;
        state.State.Ids.Add(sourceId);
        await state.WriteStateAsync();
        return true;
    }

    public async Task RemoveAsync(string sourceId)
    {
        if (state.State.Ids.Remove(sourceId)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Ids]);
}
