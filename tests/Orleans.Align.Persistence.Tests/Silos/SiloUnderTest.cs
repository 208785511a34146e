using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Align.Silo;

namespace Orleans.Align.Persistence.Tests.Silos;

/// <summary>
/// A silo started in this process through the production hosting extension (<c>AddAlignSilo</c>), on
/// its own free ports, with Azure Storage (Azurite) for grain state, reminders and membership. Only
/// names (cluster, containers) and failure-detection timings differ from the real thing.
/// </summary>
public sealed class SiloUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SiloUnderTest(WebApplication app, int gatewayPort)
    {
        _app = app;
        GatewayPort = gatewayPort;
    }

    public IServiceProvider Services => _app.Services;

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public int GatewayPort { get; }

    /// <summary>Names one cluster and its storage: silos started with the same place share both.</summary>
    public sealed record Place(string ConnectionString, string ClusterId, string GrainContainer, string LogContainer, string DedupeContainer)
    {
        public static Place New(string connectionString)
        {
            var id = Guid.NewGuid().ToString("N")[..12];
            return new Place(connectionString, $"test-{id}", $"grains-{id}", $"log-{id}", $"dedupe-{id}");
        }
    }

    /// <param name="settings">Extra configuration, e.g. <c>Align:Ingest:*</c> bounds small enough for a test.</param>
    public static async Task<SiloUnderTest> StartAsync(Place place, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var (siloPort, gatewayPort, httpPort) = (FreePort(), FreePort(), FreePort());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{httpPort}",
            ["Align:Cluster:Clustering"] = "azure",
            ["Align:Cluster:ClusterId"] = place.ClusterId,
            ["Align:Silo:Storage"] = "azure",
            ["Align:Silo:SiloPort"] = $"{siloPort}",
            ["Align:Silo:GatewayPort"] = $"{gatewayPort}",
            ["Align:Storage:ConnectionString"] = place.ConnectionString,
            ["Align:Storage:GrainContainer"] = place.GrainContainer,
            ["Align:Storage:Log:ContainerName"] = place.LogContainer,
            ["Align:Storage:DedupeContainer"] = place.DedupeContainer,
            // A silo that leaves without a word (a test that ends) is noticed in seconds, not a minute.
            ["Align:Silo:Membership:ProbeTimeout"] = "00:00:01",
            ["Align:Silo:Membership:NumMissedProbesLimit"] = "2",
            ["Align:Silo:Membership:IAmAliveTablePublishTimeout"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.AddAlignSilo();
        var app = builder.Build();
        await app.StartAsync();
        return new SiloUnderTest(app, gatewayPort);
    }

    /// <summary>A graceful stop: the silo leaves the membership table as Dead and deactivates its grains.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    // Below the kernel's ephemeral range: a port picked by binding to 0 could become the local end of an
    // outgoing connection before the silo binds it ("address already in use").
    private static int FreePort() => Orleans.Align.Testing.LoopbackPorts.Free();
}
