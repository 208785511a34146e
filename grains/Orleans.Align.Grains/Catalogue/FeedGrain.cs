using Microsoft.Extensions.Logging;

namespace Orleans.Align.Grains.Catalogue;

[GenerateSerializer, Alias("align.feed-state")]
public sealed class FeedState
{
    [Id(0)] public List<FeedEntry> Entries { get; set; } = [];
    [Id(1)] public long LastId { get; set; }
    /// <summary>Every change in order (bounded like the entries), for the subscriptions' outbox to follow.</summary>
    [Id(2)] public List<FeedChangeMark> Changes { get; set; } = [];
    [Id(3)] public long LastChange { get; set; }
}

/// <summary>A change of the feed, small: the entry itself is read when the change is handed out.</summary>
[GenerateSerializer, Immutable, Alias("align.feed-change-mark")]
public sealed record FeedChangeMark([property: Id(0)] long Sequence, [property: Id(1)] FeedChangeKind Kind, [property: Id(2)] long EntryId);

/// <summary>
/// The organization's shared feed. Bounded (the newest <see cref="MaxEntries"/> are kept); every
/// entry goes to the overview board and to the war rooms of the campaigns it concerns, and so does
/// every later change of an alert (acknowledged, resolved). Entries with a key are kept once per key,
/// which is what lets a goal post again what it is not sure it posted.
/// </summary>
public sealed class FeedGrain(
    [PersistentState("feed", StorageNames.Align)] IPersistentState<FeedState> state,
    TimeProvider clock,
    ILogger<FeedGrain> logger) : Grain, IFeedGrain
{
    public const int MaxEntries = 5_000;

    private string OrgId => this.GetPrimaryKeyString();
    private List<FeedEntry> Entries => state.State.Entries;

    /// <summary>Kept entries by key; built on activation, so the snapshot does not carry it twice.</summary>
    private readonly Dictionary<string, long> _byKey = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in Entries)
        {
            if (entry.Key is { } key) _byKey[key] = entry.Id;
        }
        return Task.CompletedTask;
    }

    public async Task<FeedEntry> PostAsync(FeedEntry draft)
    {
        if (draft.Key is { } key && _byKey.TryGetValue(key, out var known) && Find(known) is { } kept) return Entries[kept];

        var entry = draft with
        {
            Id = state.State.LastId + 1,
            At = draft.At == default ? clock.GetUtcNow() : draft.At,
            State = draft.Kind == FeedKind.Alert ? draft.State ?? AlertState.Open : null,
        };
        state.State.LastId = entry.Id;
        Entries.Add(entry);
        if (entry.Key is not null) _byKey[entry.Key] = entry.Id;
        if (Entries.Count > MaxEntries)
        {
            foreach (var old in Entries.Take(Entries.Count - MaxEntries))
            {
                if (old.Key is not null) _byKey.Remove(old.Key);
            }
            Entries.RemoveRange(0, Entries.Count - MaxEntries);
        }
        Mark(FeedChangeKind.Posted, entry.Id);
        await state.WriteStateAsync();
        PokeOutbox();
        await ShowAsync(entry);
        return entry;
    }

    public async Task<FeedEntry?> AcknowledgeAsync(long id, string by, DateTimeOffset at)
    {
        if (Find(id) is not { } index) return null;
        var entry = Entries[index];
        if (entry.Kind != FeedKind.Alert) throw AlignException.Conflict($"Feed entry {id} is not an alert; only alerts are acknowledged.");
        if (entry.State == AlertState.Resolved) throw AlignException.Conflict($"Alert {id} was resolved at {entry.ResolvedAt:O}; there is nothing left to acknowledge.");
        if (entry.State == AlertState.Acknowledged) return entry; // the first acknowledgement stands; a retry sees it
        return await ReplaceAsync(index, entry with { State = AlertState.Acknowledged, AcknowledgedBy = by, AcknowledgedAt = at }, FeedChangeKind.Acknowledged);
    }

    public async Task ResolveAsync(string key, DateTimeOffset at)
    {
        if (!_byKey.TryGetValue(key, out var id) || Find(id) is not { } index) return;
        var entry = Entries[index];
        if (entry.Kind != FeedKind.Alert || entry.State == AlertState.Resolved) return;
        await ReplaceAsync(index, entry with { State = AlertState.Resolved, ResolvedAt = at }, FeedChangeKind.Resolved);
    }

    private async Task<FeedEntry> ReplaceAsync(int index, FeedEntry changed, FeedChangeKind kind)
    {
        Entries[index] = changed;
        Mark(kind, changed.Id);
        await state.WriteStateAsync();
        PokeOutbox();
        await ShowAsync(changed);
        return changed;
    }

    /// <summary>Numbers the change; it is saved with the entry, in the same write, so the outbox never misses one.</summary>
    private void Mark(FeedChangeKind kind, long entryId)
    {
        state.State.LastChange++;
        state.State.Changes.Add(new FeedChangeMark(state.State.LastChange, kind, entryId));
        if (state.State.Changes.Count > MaxEntries) state.State.Changes.RemoveRange(0, state.State.Changes.Count - MaxEntries);
    }

    /// <summary>
    /// One-way: the outbox reads the changes itself, from its own cursor, whenever it runs; a poke that is
    /// lost (a silo dies) is made up by the outbox's reminder.
    /// </summary>
    private void PokeOutbox()
    {
        try
        {
            _ = GrainFactory.GetGrain<ISubscriptionsGrain>(OrgId).PokeAsync();
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Poking the outbox of {OrgId} failed; its reminder reads the feed later", OrgId);
        }
    }

    public Task<long> LastChangeAsync() => Task.FromResult(state.State.LastChange);

    public Task<FeedUpdates> ChangesAfterAsync(long after, int max)
    {
        var changes = state.State.Changes;
        var updates = new List<FeedUpdate>();
        var through = after;
        if (changes.Count > 0)
        {
            // Sequence numbers are consecutive and only the oldest are dropped: the position is arithmetic.
            var start = (int)Math.Clamp(after + 1 - changes[0].Sequence, 0, changes.Count);
            var end = Math.Min(changes.Count, start + Math.Clamp(max, 1, 1000));
            for (var i = start; i < end; i++)
            {
                // An entry dropped from the bounded feed cannot be delivered any more; its change is passed over.
                if (Find(changes[i].EntryId) is { } index) updates.Add(new FeedUpdate(changes[i].Sequence, changes[i].Kind, Entries[index]));
                through = changes[i].Sequence;
            }
        }
        return Task.FromResult(new FeedUpdates(updates, through));
    }

    /// <summary>Ids are consecutive and only the oldest entries are dropped, so an id is its own index.</summary>
    private int? Find(long id)
    {
        if (Entries.Count == 0) return null;
        var index = id - Entries[0].Id;
        return index >= 0 && index < Entries.Count && Entries[(int)index].Id == id ? (int)index : null;
    }

    private async Task ShowAsync(FeedEntry entry)
    {
        try
        {
            await Task.WhenAll(BoardIds.For(entry).Select(b => GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(OrgId, b)).FeedPostedAsync(entry)));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Putting feed entry {Id} of {OrgId} on its boards failed", entry.Id, OrgId);
        }
    }

    public Task<IReadOnlyList<FeedEntry>> ListAsync(FeedQuery query)
    {
        IEnumerable<FeedEntry> entries = Entries;
        if (query.Before is { } before) entries = entries.Where(e => e.Id < before);
        if (query.Kind is { } kind) entries = entries.Where(e => e.Kind == kind);
        if (query.State is { } alertState) entries = entries.Where(e => e.Kind == FeedKind.Alert && (e.State ?? AlertState.Open) == alertState);
        if (query.GoalId is { } goal) entries = entries.Where(e => e.GoalId == goal);
        if (query.Campaign is { } campaign) entries = entries.Where(e => e.Campaigns?.Contains(campaign) == true);
        if (query.Department is { } department) entries = entries.Where(e => e.Department == department || e.To?.Contains(department) == true);
        return Task.FromResult<IReadOnlyList<FeedEntry>>([.. entries.Reverse().Take(Math.Clamp(query.Limit, 1, 500))]);
    }
}
