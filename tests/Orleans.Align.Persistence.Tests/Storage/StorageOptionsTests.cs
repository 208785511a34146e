using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Align.Persistence.AzureBlob;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orleans.Align.Persistence.Tests.Storage;

/// <summary>Settings are checked when the silo starts, and what is left unset gets the silo's defaults.</summary>
public sealed class StorageOptionsTests
{
    [Fact]
    public void A_missing_connection_string_stops_start_up_with_a_message_naming_it()
    {
        var services = ServicesWithSerializer(out _);
        services.AddAzureBlobGrainStorage("align", options => options.ContainerName = "align-grains");
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OrleansConfigurationException>(() => ValidateAsTheSiloDoes(provider));

        Assert.Contains("'align'", failure.Message);
        Assert.Contains(nameof(AzureBlobStorageOptions.ConnectionString), failure.Message);
    }

    [Theory]
    [InlineData("Align-Grains")]
    [InlineData("ab")]
    [InlineData("align--grains")]
    [InlineData("align_grains")]
    public void A_container_name_Azure_would_refuse_stops_start_up(string containerName)
    {
        var services = ServicesWithSerializer(out _);
        services.AddAzureBlobGrainStorage("align", options =>
        {
            options.ConnectionString = "UseDevelopmentStorage=true";
            options.ContainerName = containerName;
        });
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OrleansConfigurationException>(() => ValidateAsTheSiloDoes(provider));

        Assert.Contains(nameof(AzureBlobStorageOptions.ContainerName), failure.Message);
    }

    [Fact]
    public void Unset_options_get_the_default_container_and_the_silos_registered_serializer()
    {
        var services = ServicesWithSerializer(out var serializer);
        services.AddAzureBlobGrainStorage("align", options => options.ConnectionString = "UseDevelopmentStorage=true");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get("align");

        Assert.Equal("align-grains", options.ContainerName);
        Assert.Same(serializer, options.GrainStorageSerializer);
        ValidateAsTheSiloDoes(provider);
    }

    // A silo always has a default grain storage serializer; these tests register the same one.
    private static ServiceCollection ServicesWithSerializer(out IGrainStorageSerializer serializer)
    {
        serializer = new JsonGrainStorageSerializer(new OrleansJsonSerializer(Options.Create(new OrleansJsonSerializerOptions())));
        var services = new ServiceCollection();
        services.AddSingleton(serializer);
        return services;
    }

    private static void ValidateAsTheSiloDoes(IServiceProvider provider)
    {
        foreach (var validator in provider.GetServices<IConfigurationValidator>())
        {
            validator.ValidateConfiguration();
        }
    }
}
