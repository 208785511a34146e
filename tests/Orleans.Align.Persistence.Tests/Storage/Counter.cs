namespace Orleans.Align.Persistence.Tests.Storage;

/// <summary>A small grain state. Its constructor sets a default, so tests can tell a state the
/// storage built with Orleans' activator from a <c>default(T)</c> or a deserialized one.</summary>
public sealed class Counter
{
    public const string NewLabel = "new";

    public int Value { get; set; }

    public string Label { get; set; } = NewLabel;
}
