using System.Text.RegularExpressions;
using Orleans.Runtime;

namespace Orleans.Align.Persistence.AzureBlob;

/// <summary>
/// Checks one named storage's options when the silo starts, so a missing connection string or a
/// container name Azure would refuse stops start-up with a message that names the setting,
/// instead of failing the first grain that reads its state.
/// </summary>
public sealed partial class AzureBlobStorageOptionsValidator(AzureBlobStorageOptions options, string name)
    : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var prefix = $"Azure Blob grain storage '{name}':";
        if (options.BlobServiceClientFactory is null && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new OrleansConfigurationException(
                $"{prefix} {nameof(AzureBlobStorageOptions.ConnectionString)} is not set. Set it to the storage " +
                $"account's connection string (for Azurite: \"UseDevelopmentStorage=true\") or set " +
                $"{nameof(AzureBlobStorageOptions.BlobServiceClientFactory)}.");
        }

        if (options.ContainerName is null || !ContainerNamePattern().IsMatch(options.ContainerName))
        {
            throw new OrleansConfigurationException(
                $"{prefix} {nameof(AzureBlobStorageOptions.ContainerName)} '{options.ContainerName}' is not a valid " +
                "container name: use 3 to 63 lower-case letters, digits and single hyphens, starting and ending " +
                "with a letter or digit.");
        }

        if (options.MaxRetries < 0)
        {
            throw new OrleansConfigurationException($"{prefix} {nameof(AzureBlobStorageOptions.MaxRetries)} must not be negative.");
        }

        if (options.NetworkTimeout <= TimeSpan.Zero || options.RetryDelay < TimeSpan.Zero)
        {
            throw new OrleansConfigurationException(
                $"{prefix} {nameof(AzureBlobStorageOptions.NetworkTimeout)} must be positive and " +
                $"{nameof(AzureBlobStorageOptions.RetryDelay)} must not be negative.");
        }

        if (options.GrainStorageSerializer is null)
        {
            throw new OrleansConfigurationException(
                $"{prefix} no {nameof(AzureBlobStorageOptions.GrainStorageSerializer)} is set and none is registered.");
        }
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex ContainerNamePattern();
}
