using Azure.Data.Tables;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Orleans.Align.Gateway.Api;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Gateway.Limits;
using Orleans.Align.Gateway.Live;
using Orleans.Align.Gateway.Sso;
using Orleans.Align.Gateway.Telemetry;
using Orleans.Align.Telemetry;
using Orleans.Configuration;
using Scalar.AspNetCore;
using StackExchange.Redis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orleans.Align.Gateway.Hosting;

public static class GatewayHosting
{
    public static WebApplicationBuilder AddAlignGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section)
            .Validate(o => o.MaxEventsPerBatch is > 0 and <= 100_000, "Align:Gateway:MaxEventsPerBatch must be between 1 and 100,000.")
            .Validate(o => o.MaxRequestBytes is > 1024 and <= 64 * 1024 * 1024, "Align:Gateway:MaxRequestBytes must be between 1 KiB and 64 MiB.")
            .Validate(o => o.IngestTimeout >= TimeSpan.FromMilliseconds(100) && o.IngestTimeout <= TimeSpan.FromMinutes(2), "Align:Gateway:IngestTimeout must be between 100 ms and 2 minutes.")
            .ValidateOnStart();
        services.AddOptions<PlatformOptions>().BindConfiguration(PlatformOptions.Section)
            .Validate(o => o.PlatformAdminKey.Length >= 16, "Align:PlatformAdminKey (environment Align__PlatformAdminKey) must be set, at least 16 characters.")
            .ValidateOnStart();
        var connection = ClusterConnection.Read(builder.Configuration);

        builder.UseOrleansClient(client =>
        {
            client.UseAlignClustering(connection);
            client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = connection.Gateway.ResponseTimeout);
            client.AddActivityPropagation();
            // A lost connection to a silo is the earliest sign that it died: boards it hosted need new subscriptions.
            client.AddGatewayCountChangedHandler(sp => (_, e) => sp.GetRequiredService<BoardWatches>().ConnectionsChanged(e.PreviousNumberOfConnectedGateways, e.NumberOfConnectedGateways));
            // The silo may start after the gateway (or restart under it): keep trying rather than die.
            client.UseConnectionRetryFilter(async (_, ct) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                return true;
            });
        });

        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddSingleton<SourceOrganizations>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Enums travel as camelCase strings ("atRisk", "increaseTo") both ways, in HTTP and on the hub.
        var enums = new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.Converters.Add(enums);
        });

        services.AddAlignAuthentication(builder.Configuration);
        services.AddAlignSso();
        services.AddAuthorization(Policies.Add);
        services.AddApiKeyChecks();
        services.AddAlignRateLimits();
        services.AddOptions<Mail.MailOptions>().BindConfiguration(Mail.MailOptions.Section)
            .Validate(o => !o.Validate().Any(), "Align:Mail is not valid: check Port, From, Tls, PublicUrl and SendTimeout.")
            .ValidateOnStart();
        services.AddSingleton<Mail.MailSender>();
        services.AddSingleton<Mail.PasswordResets>();
        services.AddHostedService(sp => sp.GetRequiredService<Mail.PasswordResets>());

        // JSON for browsers (the web client's types are the OpenAPI document's: camelCase, enum names as strings);
        // MessagePack beside it for machine viewers that want smaller, cheaper messages (docs/architecture.md, the live path).
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(enums)).AddMessagePackProtocol();
        services.AddSingleton<BoardWatches>();
        services.AddHostedService(sp => sp.GetRequiredService<BoardWatches>());

        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Orleans.Align API";
            document.Info.Description =
                "Shared goals for marketing, PR and sales, live. Machines authenticate with an API key of their organization as " +
                "'Authorization: Bearer <key>' or 'X-Api-Key: <key>' (scopes: admin, ingest, read); people sign in (POST /api/v1/session) " +
                "and send the session cookie, with the antiforgery token in 'X-CSRF-TOKEN' on every change (roles: admin, lead, member, viewer). Errors are RFC 9457 " +
                "problem documents. Live boards: SignalR hub /hubs/live, WatchBoard(boardId) then 'boardUpdate' messages.";
            return Task.CompletedTask;
        }));
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        builder.AddAlignApiInput();
        builder.AddAlignTelemetry("orleans-align-gateway", m => m
            .AddMeter(GatewayMetrics.MeterName)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections"));
        return builder;
    }

    public static WebApplication UseAlignGateway(this WebApplication app)
    {
        app.UseIngestMetering(); // first: an ingest request is timed from its arrival to its answer, whoever answers
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAlignSso(); // an organization's SSO callback goes to its own OpenID Connect scheme
        app.UseAuthentication();
        app.UseAlignRateLimits(); // after authentication: buckets per key and organization come from the claims
        app.UseAuthorization();
        app.UseAlignAntiforgery();

        var api = app.MapApi(app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value);
        api.AddEndpointFilter<AuditRecorder>(); // after each state-changing operation: who did what, and how it ended

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("Orleans.Align API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapHub<LiveHub>(LiveHub.Path);
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = _ => false });
        // Readiness: each check's status for anyone; the reasons only with the platform admin key (Bearer or X-Api-Key).
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = (http, report) => Orleans.Align.Hosting.HealthResponses.WriteAsync(http, report, detailed: PlatformOperator.Presents(http)),
        });
        return app;
    }

    /// <summary>Every endpoint of the API, under <c>/api/v1</c> (also what the audit coverage test walks).</summary>
    public static RouteGroupBuilder MapApi(this IEndpointRouteBuilder app, GatewayOptions options)
    {
        var api = app.MapGroup(AuditRecorder.ApiPrefix);
        api.MapOrganizations();
        api.MapSessions();
        api.MapPeople();
        api.MapSso();
        api.MapBoardLinks();
        api.MapCatalogue();
        api.MapAlignment();
        api.MapRules();
        api.MapSubscriptions();
        api.MapAudit();
        api.MapEvents(options);
        api.MapCsvImports(options);
        api.MapCsvExports();
        api.MapSources(options);
        return api;
    }

    /// <summary>The silos' gateways come from the same membership the silos use (or one local silo).</summary>
    private static void UseAlignClustering(this IClientBuilder client, ClusterConnection connection)
    {
        var cluster = connection.Cluster;
        if (cluster.Clustering == "localhost")
        {
            client.UseLocalhostClustering(connection.Gateway.OrleansGatewayPort, cluster.ServiceId, cluster.ClusterId);
            return;
        }

        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = connection.Gateway.GatewayListRefreshPeriod);
        if (cluster.Clustering == "redis")
        {
            var redis = connection.RedisConnectionString;
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        }
        else
        {
            var tables = connection.StorageConnectionString;
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(tables));
        }
    }
}

/// <summary>Ready when the silo cluster answers.</summary>
internal sealed class ClusterHealthCheck(IClusterClient cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return hosts.Count > 0 ? HealthCheckResult.Healthy($"{hosts.Count} silo(s)") : HealthCheckResult.Unhealthy("No active silo.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("The cluster does not answer.", ex);
        }
    }
}
