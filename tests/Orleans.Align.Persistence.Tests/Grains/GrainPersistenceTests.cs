using Azure.Storage.Blobs;
using Orleans.Align.Persistence.AzureBlob;
using Orleans.Align.Persistence.Tests.Azurite;
using Orleans.Align.Persistence.Tests.Storage;
using Orleans.TestingHost;

namespace Orleans.Align.Persistence.Tests.Grains;

/// <summary>The storage inside a real silo: registered with AddAzureBlobGrainStorage, used by a grain's persistent state.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class GrainPersistenceTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string _containerName = StorageUnderTest.NewContainerName("silo");
    private InProcessTestCluster _cluster = null!;

    private BlobContainerClient Container => new(azurite.ConnectionString, _containerName);

    public async Task InitializeAsync()
    {
        var connectionString = azurite.ConnectionString;
        var containerName = _containerName;
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) => silo.AddAzureBlobGrainStorage(NoteGrain.StorageName, options =>
        {
            options.ConnectionString = connectionString;
            options.ContainerName = containerName;
        }));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await Container.DeleteIfExistsAsync();
    }

    [Fact]
    public async Task A_starting_silo_creates_the_container()
    {
        Assert.True(await Container.ExistsAsync());
    }

    [Fact]
    public async Task A_grains_state_is_read_back_from_the_blob_by_its_next_activation()
    {
        var grain = _cluster.Client.GetGrain<INoteGrain>("acme/standup-notes");
        var first = await grain.ReadAsync();
        Assert.False(first.RecordExists);
        await grain.WriteAsync("ship the blob storage");

        await grain.DeactivateAsync();
        var next = await grain.ReadAsync();

        Assert.NotEqual(first.ActivationId, next.ActivationId);
        Assert.True(next.RecordExists);
        Assert.Equal("ship the blob storage", next.Text);
        var blob = Container.GetBlobClient(GrainStateBlobName.For(NoteGrain.StateName, grain.GetGrainId()));
        var stored = await blob.DownloadContentAsync();
        Assert.Contains("ship the blob storage", stored.Value.Content.ToString());
    }
}
