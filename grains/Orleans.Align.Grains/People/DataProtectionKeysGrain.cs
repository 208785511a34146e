namespace Orleans.Align.Grains.People;

[GenerateSerializer, Alias("align.data-protection-key")]
public sealed record StoredXmlElement([property: Id(0)] string FriendlyName, [property: Id(1)] string Xml);

[GenerateSerializer, Alias("align.data-protection-keys-state")]
public sealed class DataProtectionKeysState
{
    [Id(0)] public List<StoredXmlElement> Elements { get; set; } = [];
}

/// <summary>
/// The gateways' shared data-protection key ring (<see cref="IDataProtectionKeysGrain"/>). ASP.NET Core
/// adds a key every 90 days and revokes by adding elements, so this stays a handful of small entries;
/// it keeps at most <see cref="MaxElements"/>, dropping the oldest (long expired) first.
/// </summary>
public sealed class DataProtectionKeysGrain(
    [PersistentState("data-protection-keys", StorageNames.Align)] IPersistentState<DataProtectionKeysState> state) : Grain, IDataProtectionKeysGrain
{
    public const int MaxElements = 1_000;

    public Task<IReadOnlyList<string>> GetAllAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Elements.Select(e => e.Xml)]);

    public async Task StoreAsync(string friendlyName, string xml)
    {
        var before = state.State.Elements;
        var elements = before.Where(e => e.FriendlyName != friendlyName).Append(new StoredXmlElement(friendlyName, xml)).ToList();
        if (elements.Count > MaxElements) elements.RemoveRange(0, elements.Count - MaxElements);
        state.State.Elements = elements;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Elements = before;
            throw;
        }
    }
}
