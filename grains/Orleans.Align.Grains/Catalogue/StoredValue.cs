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
