namespace Orleans.Align.Persistence.Tests.Grains;

/// <summary>A grain with one persistent state in the "align" storage, the smallest real user of it.</summary>
[Alias("Orleans.Align.Persistence.Tests.Grains.INoteGrain")]
public interface INoteGrain : IGrainWithStringKey
{
    [Alias("Write")]
    Task WriteAsync(string text);

    [Alias("Read")]
    Task<NoteView> ReadAsync();

    [Alias("Deactivate")]
    Task DeactivateAsync();
}

[GenerateSerializer, Alias("Orleans.Align.Persistence.Tests.Grains.NoteView")]
public sealed record NoteView([property: Id(0)] string? Text, [property: Id(1)] Guid ActivationId, [property: Id(2)] bool RecordExists);

/// <summary>Stored in Orleans' binary format, like every grain state of the silo: it needs its own serializer, as the grains' states do.</summary>
[GenerateSerializer, Alias("Orleans.Align.Persistence.Tests.Grains.NoteState")]
public sealed class NoteState
{
    [Id(0)] public string? Text { get; set; }
}

public sealed class NoteGrain([PersistentState(NoteGrain.StateName, NoteGrain.StorageName)] IPersistentState<NoteState> note)
    : Grain, INoteGrain
{
    public const string StateName = "note";
    public const string StorageName = "align";

    // Tells one activation from the next: a new id with the old text proves the text came from storage.
    private readonly Guid _activationId = Guid.NewGuid();

    public async Task WriteAsync(string text)
    {
        note.State.Text = text;
        await note.WriteStateAsync();
    }

    public Task<NoteView> ReadAsync() => Task.FromResult(new NoteView(note.State.Text, _activationId, note.RecordExists));

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
