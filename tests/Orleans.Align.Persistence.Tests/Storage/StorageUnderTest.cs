using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Align.Persistence.AzureBlob;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orleans.Align.Persistence.Tests.Storage;

/// <summary>
/// An <see cref="AzureBlobGrainStorage"/> registered and started the way a silo does it — through
/// <c>AddAzureBlobGrainStorage</c>, Orleans' JSON grain storage serializer (the silo's default) and
/// the silo lifecycle — but without the rest of a silo, so each test gets its own in milliseconds.
/// </summary>
public sealed class StorageUnderTest : IAsyncDisposable
{
    public const string Name = "align";

    private readonly ServiceProvider _services;

    private StorageUnderTest(ServiceProvider services, string containerName, string connectionString)
    {
        _services = services;
        Storage = services.GetRequiredKeyedService<IGrainStorage>(Name);
        Container = new BlobContainerClient(connectionString, containerName);
    }

    public IGrainStorage Storage { get; }

    /// <summary>The storage's container, reached directly to check what was stored.</summary>
    public BlobContainerClient Container { get; }

    /// <summary>A container name no other test uses: <c>{purpose}-{random}</c>.</summary>
    public static string NewContainerName(string purpose) => $"{purpose}-{Guid.NewGuid():N}"[..Math.Min(63, purpose.Length + 33)];

    /// <summary>Registers the storage against <paramref name="connectionString"/> without starting it.</summary>
    public static StorageUnderTest Create(string connectionString, string containerName, Action<AzureBlobStorageOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSerializer();
        services.AddSingleton<OrleansJsonSerializer>();
        services.AddSingleton<IGrainStorageSerializer, JsonGrainStorageSerializer>();
        services.AddAzureBlobGrainStorage(Name, options =>
        {
            options.ConnectionString = connectionString;
            options.ContainerName = containerName;
            configure?.Invoke(options);
        });
        return new StorageUnderTest(services.BuildServiceProvider(), containerName, connectionString);
    }

    /// <summary>Registers and starts the storage: the silo lifecycle runs its start-up stage.</summary>
    public static async Task<StorageUnderTest> StartAsync(string connectionString, string containerName)
    {
        var storage = Create(connectionString, containerName);
        await storage.RunSiloStartAsync();
        return storage;
    }

    /// <summary>Runs the silo lifecycle's start over every registered participant, as a starting silo does.</summary>
    public async Task RunSiloStartAsync()
    {
        var lifecycle = new SiloLifecycleSubject(_services.GetRequiredService<ILogger<SiloLifecycleSubject>>());
        foreach (var participant in _services.GetServices<ILifecycleParticipant<ISiloLifecycle>>())
        {
            participant.Participate(lifecycle);
        }

        await lifecycle.OnStart();
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
