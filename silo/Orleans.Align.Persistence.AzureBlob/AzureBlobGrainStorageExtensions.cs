using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Orleans.Align.Persistence.AzureBlob;

/// <summary>
/// Registers <see cref="AzureBlobGrainStorage"/>. The names and shapes follow the official
/// <c>Microsoft.Orleans.Persistence.AzureStorage</c> extensions, so swapping to that package later
/// changes a package reference and a <c>using</c>, not the silo's set-up.
/// </summary>
public static class AzureBlobGrainStorageExtensions
{
    /// <summary>Adds Azure Blob storage as the silo's default grain storage.</summary>
    public static ISiloBuilder AddAzureBlobGrainStorageAsDefault(this ISiloBuilder builder, Action<AzureBlobStorageOptions> configureOptions) =>
        builder.AddAzureBlobGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Adds Azure Blob storage as the grain storage named <paramref name="name"/>.</summary>
    public static ISiloBuilder AddAzureBlobGrainStorage(this ISiloBuilder builder, string name, Action<AzureBlobStorageOptions> configureOptions) =>
        builder.ConfigureServices(services => services.AddAzureBlobGrainStorage(name, configureOptions));

    /// <summary>Adds Azure Blob storage as the default grain storage, configured through an options builder (e.g. bound to configuration).</summary>
    public static ISiloBuilder AddAzureBlobGrainStorageAsDefault(this ISiloBuilder builder, Action<OptionsBuilder<AzureBlobStorageOptions>>? configureOptions = null) =>
        builder.AddAzureBlobGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Adds Azure Blob storage as the grain storage named <paramref name="name"/>, configured through an options builder.</summary>
    public static ISiloBuilder AddAzureBlobGrainStorage(this ISiloBuilder builder, string name, Action<OptionsBuilder<AzureBlobStorageOptions>>? configureOptions = null) =>
        builder.ConfigureServices(services => services.AddAzureBlobGrainStorage(name, configureOptions));

    /// <summary>Adds Azure Blob storage as the default grain storage.</summary>
    public static IServiceCollection AddAzureBlobGrainStorageAsDefault(this IServiceCollection services, Action<AzureBlobStorageOptions> configureOptions) =>
        services.AddAzureBlobGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Adds Azure Blob storage as the grain storage named <paramref name="name"/>.</summary>
    public static IServiceCollection AddAzureBlobGrainStorage(this IServiceCollection services, string name, Action<AzureBlobStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        return services.AddAzureBlobGrainStorage(name, options => options.Configure(configureOptions));
    }

    /// <summary>Adds Azure Blob storage as the default grain storage, configured through an options builder.</summary>
    public static IServiceCollection AddAzureBlobGrainStorageAsDefault(this IServiceCollection services, Action<OptionsBuilder<AzureBlobStorageOptions>>? configureOptions = null) =>
        services.AddAzureBlobGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Adds Azure Blob storage as the grain storage named <paramref name="name"/>, configured through an options builder.</summary>
    public static IServiceCollection AddAzureBlobGrainStorage(this IServiceCollection services, string name, Action<OptionsBuilder<AzureBlobStorageOptions>>? configureOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        configureOptions?.Invoke(services.AddOptions<AzureBlobStorageOptions>(name));

        // Unset GrainStorageSerializer becomes the one registered under this storage's name, else the silo's default.
        services.TryAddEnumerable(ServiceDescriptor.Transient<
            IPostConfigureOptions<AzureBlobStorageOptions>,
            DefaultStorageProviderSerializerOptionsConfigurator<AzureBlobStorageOptions>>());
        // The silo runs every IConfigurationValidator before it starts, so bad options stop start-up.
        services.AddTransient<IConfigurationValidator>(sp =>
            new AzureBlobStorageOptionsValidator(sp.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get(name), name));
        // Logged at start-up with the connection string redacted.
        services.ConfigureNamedOptionForLogging<AzureBlobStorageOptions>(name);

        return services.AddGrainStorage(name, AzureBlobGrainStorage.Create);
    }
}
