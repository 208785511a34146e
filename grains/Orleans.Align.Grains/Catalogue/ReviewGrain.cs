namespace Orleans.Align.Grains.Catalogue;

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
