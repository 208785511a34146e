using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Orleans.Align.Persistence.AzureBlob;

/// <summary>
/// Orleans grain storage that keeps each grain state in one blob (see <see cref="GrainStateBlobName"/>)
/// and uses the blob's ETag for optimistic concurrency, so two activations of one grain can never
/// overwrite each other's state silently.
/// </summary>
/// <remarks>
/// The ETag contract Orleans expects from every storage provider:
/// <list type="bullet">
/// <item>A read of a missing record leaves the default state, no ETag and <c>RecordExists = false</c>.</item>
/// <item>A write with no ETag only creates (<c>If-None-Match: *</c>); a write with an ETag only replaces
/// that exact version (<c>If-Match</c>). Anything else is an <see cref="InconsistentStateException"/>,
/// on which Orleans deactivates the grain so the next call reads the newer state.</item>
/// <item>A clear deletes only that exact version (<c>If-Match</c>) or, with no ETag, only succeeds
/// when there is no record; either way it leaves the default state behind.</item>
/// </list>
/// </remarks>
public sealed partial class AzureBlobGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _name;
    private readonly AzureBlobStorageOptions _options;
    private readonly BlobContainerClient _container;
    private readonly IGrainStorageSerializer _serializer;
    private readonly string _contentType;
    private readonly IActivatorProvider _activators;
    private readonly ILogger _logger;

    /// <summary>Creates the storage named <paramref name="name"/>; no request is sent until start-up.</summary>
    /// <exception cref="OrleansConfigurationException">The options are incomplete or invalid.</exception>
    public AzureBlobGrainStorage(
        string name,
        AzureBlobStorageOptions options,
        IActivatorProvider activatorProvider,
        ILogger<AzureBlobGrainStorage> logger)
    {
        new AzureBlobStorageOptionsValidator(options, name).ValidateConfiguration();

        _name = name;
        _options = options;
        _serializer = options.GrainStorageSerializer;
        _contentType = _serializer is JsonGrainStorageSerializer or SystemTextJsonGrainStorageSerializer
            ? "application/json"
            : "application/octet-stream";
        _activators = activatorProvider;
        _logger = logger;

        var clientOptions = options.CreateClientOptions();
        var service = options.BlobServiceClientFactory is { } createClient
            ? createClient(clientOptions)
            : new BlobServiceClient(options.ConnectionString, clientOptions);
        _container = service.GetBlobContainerClient(options.ContainerName);
    }

    /// <summary>The factory <c>AddAzureBlobGrainStorage</c> registers: options are bound per storage name.</summary>
    public static AzureBlobGrainStorage Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get(name);
        return ActivatorUtilities.CreateInstance<AzureBlobGrainStorage>(services, name, options);
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(OptionFormattingUtilities.Name<AzureBlobGrainStorage>(_name), _options.InitStage, InitializeAsync);

    // The container is created once here rather than on every write: a silo that cannot reach its
    // storage should fail to start, not accept grain calls it cannot persist.
    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            LogInitialized(_name, _container.Name, _container.Uri, stopwatch.ElapsedMilliseconds);
        }
        catch (Exception exception)
        {
            LogInitializationFailed(exception, _name, _container.Name, _container.Uri, stopwatch.ElapsedMilliseconds);
            throw;
        }
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(GrainStateBlobName.For(stateName, grainId));
        try
        {
            var response = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var contents = response.Value.Content;

            // An empty blob is a record without state (written by hand or by another tool): keep
            // its ETag so the next write replaces it instead of conflicting with it.
            if (contents.IsEmpty)
            {
                grainState.State = CreateDefaultState<T>();
                grainState.RecordExists = false;
            }
            else
            {
                grainState.State = _serializer.Deserialize<T>(contents) ?? CreateDefaultState<T>();
                grainState.RecordExists = true;
            }

            grainState.ETag = response.Value.Details.ETag.ToString();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // No blob (or no container yet): the grain has never stored this state.
            ResetToDefault(grainState);
        }
        catch (Exception exception)
        {
            LogOperationFailed(exception, "Read", _name, stateName, grainId, grainState.ETag, blob.Name);
            throw;
        }
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(GrainStateBlobName.For(stateName, grainId));
        var expectedETag = NullIfEmpty(grainState.ETag);
        try
        {
            var contents = _serializer.Serialize(grainState.State);
            var upload = new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = _contentType },
                Conditions = ConditionsFor(expectedETag),
            };

            Response<BlobContentInfo> response;
            try
            {
                response = await blob.UploadAsync(contents, upload, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException exception) when (exception.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                // Someone deleted the container after start-up: recreate it once, as the official
                // provider does, rather than failing every grain until the silo restarts.
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                response = await blob.UploadAsync(contents, upload, cancellationToken).ConfigureAwait(false);
            }

            grainState.ETag = response.Value.ETag.ToString();
            grainState.RecordExists = true;
        }
        catch (RequestFailedException exception) when (IsConcurrencyConflict(exception, expectedETag))
        {
            throw await ConflictAsync("Write", stateName, grainId, blob, expectedETag, exception).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogOperationFailed(exception, "Write", _name, stateName, grainId, expectedETag, blob.Name);
            throw;
        }
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(GrainStateBlobName.For(stateName, grainId));
        var expectedETag = NullIfEmpty(grainState.ETag);
        try
        {
            if (expectedETag is not null)
            {
                // Not DeleteIfExists: a record that vanished under a known ETag was cleared by
                // another activation, which is as much a conflict as a changed one.
                await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, ConditionsFor(expectedETag), cancellationToken).ConfigureAwait(false);
                ResetToDefault(grainState);
                return;
            }

            // The grain believes there is no record, so there is nothing to delete; a record that
            // exists anyway was written by another activation, which is a conflict. Checked with a
            // read rather than a delete under If-None-Match: *, because not every blob service
            // honours that condition on delete: Azurite ignores it and would delete the other
            // activation's state.
            if (!await blob.ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                ResetToDefault(grainState);
                return;
            }
        }
        catch (RequestFailedException exception) when (IsConcurrencyConflict(exception, expectedETag))
        {
            throw await ConflictAsync("Clear", stateName, grainId, blob, expectedETag, exception).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogOperationFailed(exception, "Clear", _name, stateName, grainId, expectedETag, blob.Name);
            throw;
        }

        throw await ConflictAsync("Clear", stateName, grainId, blob, expectedETag, cause: null).ConfigureAwait(false);
    }

    private static BlobRequestConditions ConditionsFor(string? expectedETag) => expectedETag is null
        ? new BlobRequestConditions { IfNoneMatch = ETag.All }
        : new BlobRequestConditions { IfMatch = new ETag(expectedETag) };

    // 412: an If-Match condition failed. 409 BlobAlreadyExists: a create-only (If-None-Match: *)
    // write found a blob. 404 of the blob under a known ETag: another activation deleted the record.
    // Other 409s (a lease, a container being deleted) are not about versions and surface as they are.
    private static bool IsConcurrencyConflict(RequestFailedException exception, string? expectedETag) =>
        exception.Status == 412
        || (exception.Status == 409 && exception.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        || (exception.Status == 404 && expectedETag is not null && exception.ErrorCode == BlobErrorCode.BlobNotFound);

    private async Task<InconsistentStateException> ConflictAsync(
        string operation, string stateName, GrainId grainId, BlobClient blob, string? expectedETag, RequestFailedException? cause)
    {
        var storedETag = await TryGetStoredETagAsync(blob).ConfigureAwait(false);
        LogConflict(operation, _name, stateName, grainId, expectedETag, storedETag, blob.Name);
        var message =
            $"{operation} of state '{stateName}' of grain {grainId} in Azure Blob grain storage '{_name}' lost an optimistic " +
            $"concurrency check: the grain expected ETag {expectedETag ?? "(none: no record)"}, the stored ETag is {storedETag}. " +
            $"Blob '{blob.Name}' in container '{blob.BlobContainerName}'.";
        return cause is null
            ? new InconsistentStateException(message, storedETag, expectedETag ?? string.Empty)
            : new InconsistentStateException(message, storedETag, expectedETag ?? string.Empty, cause);
    }

    // For the exception message only: the conflict stands whatever this finds, so it gets one
    // network time-out at most and never turns a conflict into a different error.
    private async Task<string> TryGetStoredETagAsync(BlobClient blob)
    {
        using var timeout = new CancellationTokenSource(_options.NetworkTimeout);
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            return properties.Value.ETag.ToString();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return "(none: no record)";
        }
        catch (Exception exception) when (exception is RequestFailedException or OperationCanceledException)
        {
            return "(unknown)";
        }
    }

    private void ResetToDefault<T>(IGrainState<T> grainState)
    {
        grainState.State = CreateDefaultState<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    // The same activator the grain's own state bridge uses, so "no record" looks exactly like a
    // fresh activation's state (including types whose constructor sets defaults).
    private T CreateDefaultState<T>() => _activators.GetActivator<T>().Create();

    private static string? NullIfEmpty(string? etag) => string.IsNullOrEmpty(etag) ? null : etag;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Azure Blob grain storage {StorageName} is ready: container {Container} at {ContainerUri}, in {ElapsedMilliseconds} ms")]
    private partial void LogInitialized(string storageName, string container, Uri containerUri, long elapsedMilliseconds);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Azure Blob grain storage {StorageName} could not create or reach container {Container} at {ContainerUri} (after {ElapsedMilliseconds} ms)")]
    private partial void LogInitializationFailed(Exception exception, string storageName, string container, Uri containerUri, long elapsedMilliseconds);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "{Operation} failed in Azure Blob grain storage {StorageName}: state {StateName} of grain {GrainId}, ETag {ETag}, blob {BlobName}")]
    private partial void LogOperationFailed(Exception exception, string operation, string storageName, string stateName, GrainId grainId, string? eTag, string blobName);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "{Operation} conflict in Azure Blob grain storage {StorageName}: state {StateName} of grain {GrainId} expected ETag {ExpectedETag}, stored {StoredETag}, blob {BlobName}")]
    private partial void LogConflict(string operation, string storageName, string stateName, GrainId grainId, string? expectedETag, string storedETag, string blobName);
}
