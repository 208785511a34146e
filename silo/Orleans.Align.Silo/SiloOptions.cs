using System.Net;

namespace Orleans.Align.Silo;

/// <summary>
/// Configuration section <c>Align:Cluster</c>, read by the silo and the gateway alike so that both
/// always name the same cluster and find it the same way.
/// </summary>
public sealed class AlignClusterOptions
{
    public const string Section = "Align:Cluster";

    /// <summary>
    /// How silos find each other and gateways find silos. <c>azure</c>: Azure Table membership on
    /// <c>Align:Storage:ConnectionString</c>. <c>redis</c>: Redis on <c>Align:Redis:ConnectionString</c>.
    /// <c>localhost</c>: one silo on this machine, no membership table (unit tests, development without storage).
    /// </summary>
    public string Clustering { get; set; } = ClusteringKinds.Azure;

    /// <summary>One deployment of the cluster; silos and gateways with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "align";

    /// <summary>The service across deployments; grain state and reminders are keyed by it, so it must never change.</summary>
    public string ServiceId { get; set; } = "orleans-align";
}

public static class ClusteringKinds
{
    public const string Azure = "azure";
    public const string Redis = "redis";
    public const string Localhost = "localhost";

    public static readonly string[] All = [Azure, Redis, Localhost];
}

/// <summary>Configuration section <c>Align:Silo</c>.</summary>
public sealed class SiloOptions
{
    public const string Section = "Align:Silo";

    /// <summary>Orleans' <c>ClusterMembershipOptions</c> are bound from here (probe timeouts, missed probes...).</summary>
    public const string MembershipSection = "Align:Silo:Membership";

    /// <summary>Orleans' <c>ReminderOptions</c> are bound from here (minimum reminder period...).</summary>
    public const string RemindersSection = "Align:Silo:Reminders";

    /// <summary>
    /// <c>azure</c>: grain state and the event log in Azure Blob storage, reminders in Azure Tables
    /// (Azurite locally), see <see cref="StorageOptions"/>. <c>memory</c>: all of it in this process
    /// only, lost with it.
    /// </summary>
    public string Storage { get; set; } = "azure";

    /// <summary>The port silos talk to each other on.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port gateways (Orleans clients) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address this silo publishes in the membership table, for other silos and gateways to reach it.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Listen on every interface (containers) rather than on <see cref="AdvertisedAddress"/> only.</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>Running as a Kubernetes pod: Orleans' Kubernetes hosting takes the pod's name, IP and cluster labels.</summary>
    public bool Kubernetes { get; set; }

    /// <summary>
    /// The Orleans dashboard at <c>/dashboard</c>: <c>protected</c> (the platform admin key
    /// <c>Align:PlatformAdminKey</c> as the HTTP Basic password), <c>loopback</c> (callers on this
    /// machine only, no credential) or <c>off</c>.
    /// </summary>
    public string Dashboard { get; set; } = DashboardModes.Protected;
}

/// <summary>Configuration section <c>Align:Storage</c>: where grain state, reminders, membership and the event log live.</summary>
public sealed class StorageOptions
{
    public const string Section = "Align:Storage";

    /// <summary>An Azure Storage connection string with a blob and a table endpoint; Azurite's development account locally.</summary>
    public string ConnectionString { get; set; } = "";

    public string GrainContainer { get; set; } = "align-grains";

    /// <summary>Where each organization's dedupe index lives: sealed runs of ids and their summaries.</summary>
    public string DedupeContainer { get; set; } = "align-dedupe";

    public Storage.BlobEventLogOptions Log { get; set; } = new();

    /// <summary>
    /// Most connections each storage client of the silo (grain state, event log, reminders) opens to one
    /// storage endpoint; more requests wait in the silo for a free one. Unbounded, a burst (10,000 goals
    /// woken at once) opened hundreds of connections: the storage (Azurite above all) queued them past
    /// the clients' timeouts, every timeout closed its connection and the retry opened another, and it
    /// never caught up. 64 is ~3,000–6,000 requests a second to Azure Storage at 10–20 ms each.
    /// </summary>
    public int MaxConnections { get; set; } = 64;
}

/// <summary>Configuration section <c>Align:Redis</c>: the Redis that holds membership when <c>Align:Cluster:Clustering</c> is <c>redis</c>.</summary>
public sealed class RedisOptions
{
    public const string Section = "Align:Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</summary>
    public string ConnectionString { get; set; } = "";
}

/// <summary>Everything the silo reads at start, checked together so that one run reports every mistake.</summary>
public sealed record SiloSettings(SiloOptions Silo, AlignClusterOptions Cluster, StorageOptions Storage, RedisOptions Redis)
{
    public static SiloSettings Read(IConfiguration configuration)
    {
        var settings = new SiloSettings(
            configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new(),
            configuration.GetSection(AlignClusterOptions.Section).Get<AlignClusterOptions>() ?? new(),
            configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new(),
            configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new());
        var errors = settings.Validate(configuration).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException("The silo's configuration is invalid:\n- " + string.Join("\n- ", errors));
        return settings;
    }

    public IEnumerable<string> Validate(IConfiguration configuration)
    {
        if (configuration["Align:Silo:Clustering"] is not null)
            yield return "Align:Silo:Clustering has moved to Align:Cluster:Clustering (shared with the gateway).";
        if (!ClusteringKinds.All.Contains(Cluster.Clustering))
            yield return $"Align:Cluster:Clustering '{Cluster.Clustering}' is not supported; use {string.Join(", ", ClusteringKinds.All.Select(k => $"'{k}'"))}.";
        if (!DashboardModes.All.Contains(Silo.Dashboard))
            yield return $"Align:Silo:Dashboard '{Silo.Dashboard}' is not supported; use {string.Join(", ", DashboardModes.All.Select(k => $"'{k}'"))}.";
        if (Storage.MaxConnections is < 2 or > 10_000)
            yield return $"Align:Storage:MaxConnections must be between 2 and 10,000 (it is {Storage.MaxConnections}).";
        if (Silo.Storage is not ("azure" or "memory"))
            yield return $"Align:Silo:Storage '{Silo.Storage}' is not supported; use 'azure' or 'memory'.";
        if (string.IsNullOrWhiteSpace(Storage.ConnectionString) && (Silo.Storage == "azure" || Cluster.Clustering == ClusteringKinds.Azure))
            yield return "Align:Storage:ConnectionString (environment Align__Storage__ConnectionString) must be set when Align:Silo:Storage is 'azure' or Align:Cluster:Clustering is 'azure'.";
        if (string.IsNullOrWhiteSpace(Redis.ConnectionString) && Cluster.Clustering == ClusteringKinds.Redis)
            yield return "Align:Redis:ConnectionString (environment Align__Redis__ConnectionString) must be set when Align:Cluster:Clustering is 'redis'.";
        if (string.IsNullOrWhiteSpace(Cluster.ClusterId)) yield return "Align:Cluster:ClusterId must not be empty.";
        if (string.IsNullOrWhiteSpace(Cluster.ServiceId)) yield return "Align:Cluster:ServiceId must not be empty.";
        if (Silo.SiloPort is <= 0 or > 65535) yield return $"Align:Silo:SiloPort {Silo.SiloPort} is not a port.";
        if (Silo.GatewayPort is <= 0 or > 65535) yield return $"Align:Silo:GatewayPort {Silo.GatewayPort} is not a port.";
        if (!IPAddress.TryParse(Silo.AdvertisedAddress, out _))
            yield return $"Align:Silo:AdvertisedAddress '{Silo.AdvertisedAddress}' is not an IP address.";
    }
}
