using Microsoft.Extensions.Logging;

namespace Orleans.Align.Grains.Catalogue;

[GenerateSerializer, Alias("align.feed-state")]
public sealed class FeedState
{
    [Id(0)] public List<FeedEntry> Entries { get; set; } = [];
    [Id(1)] public long LastId { get; set; }
}

/// <summary>
/// The organization's shared feed. Bounded (the newest <see cref="MaxEntries"/> are kept); every
/// entry goes to the overview board and to the war rooms of the campaigns it concerns.
/// </summary>
public sealed class FeedGrain(
    [PersistentState("feed", StorageNames.Align)] IPersistentState<FeedState> state,
    TimeProvider clock,
    ILogger<FeedGrain> logger) : Grain, IFeedGrain
{
    public const int MaxEntries = 5_000;

    private string OrgId => this.GetPrimaryKeyString();

    public async Task<FeedEntry> PostAsync(FeedEntry draft)
    {
        var entry = draft with { Id = state.State.LastId + 1, At = draft.At == default ? clock.GetUtcNow() : draft.At };
        state.State.LastId = entry.Id;
        state.State.Entries.Add(entry);
        if (state.State.Entries.Count > MaxEntries) state.State.Entries.RemoveRange(0, state.State.Entries.Count - MaxEntries);
        await state.WriteStateAsync();
        try
        {
            await Task.WhenAll(BoardIds.For(entry).Select(b => GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(OrgId, b)).FeedPostedAsync(entry)));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Putting feed entry {Id} of {OrgId} on its boards failed", entry.Id, OrgId);
        }
        return entry;
    }

    public Task<IReadOnlyList<FeedEntry>> ListAsync(FeedQuery query)
    {
        IEnumerable<FeedEntry> entries = state.State.Entries;
        if (query.Before is { } before) entries = entries.Where(e => e.Id < before);
        if (query.Kind is { } kind) entries = entries.Where(e => e.Kind == kind);
        if (query.GoalId is { } goal) entries = entries.Where(e => e.GoalId == goal);
        if (query.Campaign is { } campaign) entries = entries.Where(e => e.Campaigns?.Contains(campaign) == true);
        if (query.Department is { } department) entries = entries.Where(e => e.Department == department || e.To?.Contains(department) == true);
        return Task.FromResult<IReadOnlyList<FeedEntry>>([.. entries.Reverse().Take(Math.Clamp(query.Limit, 1, 500))]);
    }
}

/// <summary>A frozen review: written once, read many times.</summary>
public sealed class ReviewGrain(
    [PersistentState("review", StorageNames.Align)] IPersistentState<StoredValue<Review>> state,
    TimeProvider clock) : Grain, IReviewGrain
{
    public async Task<Review> FreezeAsync(string name, IReadOnlyList<GoalView> goals)
    {
        if (state.State.Value is not null) throw AlignException.Conflict("This review is already frozen.");
        var review = new Review(GrainKeys.Parse(this.GetPrimaryKeyString()).LocalId, name, clock.GetUtcNow(), goals);
        state.State.Value = review;
        await state.WriteStateAsync();
        return review;
    }

    public Task<Review?> GetAsync() => Task.FromResult(state.State.Value);
}
