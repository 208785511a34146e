namespace Orleans.Align.Grains.Catalogue;

/// <summary>
/// Grain state that is either set or not. Orleans materializes a missing record as a fresh state
/// object, so a record type cannot stand for "absent" by itself: this wrapper can.
/// </summary>
[GenerateSerializer, Alias("align.stored-value`1")]
public sealed class StoredValue<T> where T : class
{
    [Id(0)] public T? Value { get; set; }
}

/// <summary>A department's definition. Later it carries the department's feed and contribution.</summary>
public sealed class DepartmentGrain(
    [PersistentState("department", StorageNames.Align)] IPersistentState<StoredValue<Department>> state) : Grain, IDepartmentGrain
{
    public async Task DefineAsync(Department department)
    {
        state.State.Value = department;
        await state.WriteStateAsync();
    }

    public Task<Department?> GetAsync() => Task.FromResult(state.State.Value);
}

/// <summary>A campaign's definition. Later it carries activities and the launch window.</summary>
public sealed class CampaignGrain(
    [PersistentState("campaign", StorageNames.Align)] IPersistentState<StoredValue<Campaign>> state) : Grain, ICampaignGrain
{
    public async Task DefineAsync(Campaign campaign)
    {
        state.State.Value = campaign;
        await state.WriteStateAsync();
    }

    public Task<Campaign?> GetAsync() => Task.FromResult(state.State.Value);
}
