using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Align.Persistence.Tests.Azurite;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Azure.Data.Tables;

namespace Orleans.Align.Persistence.Tests.Silos;

/// <summary>Silos started by the production hosting extension find each other through the Azure Table (Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableClusteringTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Two_silos_form_one_cluster_through_the_membership_table_and_a_client_finds_both()
    {
        var place = SiloUnderTest.Place.New(azurite.ConnectionString);
        await using var first = await SiloUnderTest.StartAsync(place);
        await using var second = await SiloUnderTest.StartAsync(place);

        await EventuallyAsync(async () => (await ActiveHostsAsync(first.Grains)) == 2, "both silos active, seen from the first");
        await EventuallyAsync(async () => (await ActiveHostsAsync(second.Grains)) == 2, "both silos active, seen from the second");

        // The gateway's way in: the client reads the silos' gateways from the same table.
        using var client = await StartClientAsync(place);
        var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        Assert.Equal(2, (await management.GetHosts(onlyActive: true)).Count);
    }

    [Fact]
    public async Task A_silo_that_stops_leaves_the_cluster_and_the_other_carries_on()
    {
        var place = SiloUnderTest.Place.New(azurite.ConnectionString);
        await using var first = await SiloUnderTest.StartAsync(place);
        var second = await SiloUnderTest.StartAsync(place);
        await EventuallyAsync(async () => (await ActiveHostsAsync(first.Grains)) == 2, "both silos active");

        await second.DisposeAsync();

        await EventuallyAsync(async () => (await ActiveHostsAsync(first.Grains)) == 1, "only the first silo active");
        var rows = new TableClient(azurite.ConnectionString, "OrleansSiloInstances")
            .QueryAsync<TableEntity>(e => e.PartitionKey == place.ClusterId);
        var statuses = new List<string>();
        await foreach (var row in rows)
        {
            if (row.GetString("Status") is { } status) statuses.Add(status);
        }
        Assert.Contains("Active", statuses);
        Assert.Contains("Dead", statuses);
    }

    private static async Task<int> ActiveHostsAsync(IGrainFactory grains) =>
        (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count;

    private static async Task<IHost> StartClientAsync(SiloUnderTest.Place place)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = place.ClusterId;
                o.ServiceId = "orleans-align";
            });
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(place.ConnectionString));
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {what}");
            await Task.Delay(250);
        }
    }
}
