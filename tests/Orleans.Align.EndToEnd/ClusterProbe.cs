using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Align.Grains;
using Orleans.Configuration;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The test's own window into the running cluster: an Orleans client on the same membership
/// (Azure Table or Redis) as the silos and gateways. It asks the management grain what the cluster knows (which
/// silo hosts a grain, which silos are alive) and can deactivate a grain, as an operator would; it
/// never changes product data.
/// </summary>
public sealed class ClusterProbe : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterProbe(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    private IManagementGrain Management => Client.GetGrain<IManagementGrain>(0);

    /// <param name="redisConnectionString">Redis membership instead of Azure Tables, when set.</param>
    public static async Task<ClusterProbe> ConnectAsync(string storageConnectionString, string clusterId, string serviceId, string? redisConnectionString = null)
    {
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
                if (redisConnectionString is not null)
                    client.UseRedisClustering(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(redisConnectionString));
                else
                    client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(storageConnectionString));
                client.UseConnectionRetryFilter(async (_, ct) =>
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                    return true;
                });
            })
            .Build();
        await host.StartAsync();
        return new ClusterProbe(host);
    }

    /// <summary>The silo port of the silo that hosts the organization's ingest log grain (activating it if need be).</summary>
    public async Task<int> IngestSiloPortAsync(string orgId)
    {
        var ingest = Client.GetGrain<IIngestLogGrain>(orgId);
        await ingest.GetDeliveryStatusAsync();
        var silo = await Management.GetActivationAddress(ingest)
            ?? throw new InvalidOperationException($"The ingest grain of {orgId} has no activation.");
        return silo.Endpoint.Port;
    }

    /// <summary>The silo ports the cluster counts as active now.</summary>
    public async Task<IReadOnlySet<int>> ActiveSiloPortsAsync()
    {
        var hosts = await Management.GetHosts(onlyActive: true);
        return hosts.Keys.Select(s => s.Endpoint.Port).ToHashSet();
    }

    /// <summary>Waits until the cluster no longer counts the silo on <paramref name="port"/> as active; returns when it noticed.</summary>
    public async Task<DateTime> WaitUntilDeclaredDeadAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (!(await ActiveSiloPortsAsync().WaitAsync(TimeSpan.FromSeconds(2))).Contains(port)) return DateTime.UtcNow;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // The probe's own gateway may be the silo that died; it moves to another.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The cluster still counts the silo on port {port} as active after {timeout}.");
            await Task.Delay(100);
        }
    }

    public Task DeactivateAsync(IAddressable grain) => Management.DeactivateGrain(grain.GetGrainId());

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
