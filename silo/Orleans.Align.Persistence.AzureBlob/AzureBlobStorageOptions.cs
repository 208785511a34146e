using Azure.Core;
using Azure.Storage.Blobs;
using Orleans.Storage;

namespace Orleans.Align.Persistence.AzureBlob;

/// <summary>
/// Settings of one named Azure Blob grain storage. Bound per storage name, like the official
/// provider's options, so a silo may keep several storages in different containers or accounts.
/// </summary>
public sealed class AzureBlobStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>The container used when none is configured.</summary>
    public const string DefaultContainerName = "align-grains";

    /// <summary>
    /// The storage account's connection string, e.g. Azurite's development account in
    /// development. Either this or <see cref="BlobServiceClientFactory"/> must be set.
    /// </summary>
    [RedactConnectionString]
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Builds the service client when a connection string is not enough (a managed identity, a
    /// token credential). It receives the client options this storage prepared, with the bounded
    /// retry below: pass them on to the client so storage failures still surface in bounded time.
    /// Takes precedence over <see cref="ConnectionString"/>.
    /// </summary>
    public Func<BlobClientOptions, BlobServiceClient>? BlobServiceClientFactory { get; set; }

    /// <summary>
    /// The container that holds one blob per grain state. Created at silo start-up if missing.
    /// Azure's rules apply: 3 to 63 lower-case letters, digits and single hyphens.
    /// </summary>
    public string ContainerName { get; set; } = DefaultContainerName;

    /// <summary>
    /// Serializes grain state to and from blob contents. Left unset, it is the silo's registered
    /// <see cref="IGrainStorageSerializer"/> (Orleans' JSON serializer unless the silo chose
    /// another), the same default as the official storage providers.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>
    /// How many times one storage request is retried after a transient failure (connection
    /// refused or reset, time-out, 408/429/5xx) before the exception reaches the grain.
    /// </summary>
    /// <remarks>
    /// The Azure SDK's own default is 3 retries but a 100 s network time-out, so a storage account
    /// that accepts connections and never answers would hold a grain call for minutes. With 3
    /// retries, <see cref="NetworkTimeout"/> of 10 s and exponential back-off from
    /// <see cref="RetryDelay"/> (0.8 s, 1.6 s, 3.2 s) a request fails after at most about
    /// 4 × 10 s + 6 s ≈ 46 s, and at once after the retries when the account refuses connections:
    /// long enough to ride out a brief blip, short enough that Orleans' own call time-out and the
    /// caller see an exception rather than a hang.
    /// </remarks>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first back-off between retries; it doubles on each retry (at most 10 s).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.8);

    /// <summary>How long one attempt may wait for the storage account to answer.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The silo lifecycle stage at which the container is created.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>The client options every request of this storage goes through.</summary>
    internal BlobClientOptions CreateClientOptions() => new()
    {
        Retry =
        {
            Mode = RetryMode.Exponential,
            MaxRetries = MaxRetries,
            Delay = RetryDelay,
            MaxDelay = TimeSpan.FromSeconds(10),
            NetworkTimeout = NetworkTimeout,
        },
    };
}
