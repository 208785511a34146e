namespace Orleans.Align.Gateway.Hosting;

/// <summary>Configuration section <c>Align:Gateway</c> (plus <c>Align:PlatformAdminKey</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Align:Gateway";

    /// <summary>The silo gateway port this Orleans client connects to when <c>Align:Cluster:Clustering</c> is <c>localhost</c>.</summary>
    public int OrleansGatewayPort { get; set; } = 30000;

    /// <summary>
    /// How often the client re-reads the list of silo gateways from the membership table (Orleans'
    /// default is a minute): short, so a gateway learns quickly about silos that come and go.
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the gateway's Orleans client waits for any grain call (Orleans' default is 30 s). A
    /// request forwarded through a silo gateway to a silo that dies is answered only at this timeout
    /// (dotnet/orleans#10165), and while a SIGKILLed silo is being declared dead, calls queued behind
    /// such a request were seen to wait with it: viewers got no push and boards no renewal for the
    /// whole 30 s. 10 s bounds that stall; longer work (a cold provenance index) answers 503 and its
    /// retry finds the work done.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest ingest batch, in events.</summary>
    public int MaxEventsPerBatch { get; set; } = 5_000;

    /// <summary>Largest request body, in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a resolved (known, valid) API key is cached; revocation reaches the cache within a second regardless (see the key revocation feed).</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest wait for the ingest log's acknowledgement before answering 503 (resend is safe: the
    /// event ids make a batch that did land count once). A hanging storage answers within this, and
    /// so does a call caught on a silo that just died (Orleans answers a request forwarded to a dead
    /// silo only at the client's response timeout, 30 s).
    /// </summary>
    public TimeSpan IngestTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Largest CSV import (<c>POST /api/v1/events/import</c>, <c>/goals/import</c>), in bytes of the body.</summary>
    public long MaxCsvImportBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Most records (rows after the header) in one events CSV import; appended in batches of <see cref="MaxEventsPerBatch"/>.</summary>
    public int MaxCsvEventRows { get; set; } = 50_000;

    /// <summary>Most records in one goals CSV import (each goal is a definition with its own grain, created one by one).</summary>
    public int MaxCsvGoalRows { get; set; } = 1_000;

    /// <summary>
    /// The gateway's public address as tools call it (<c>https://align.example.com</c>), when a proxy
    /// stands in front of it: HubSpot signs the full URL it called, which the gateway behind a proxy
    /// does not see. Empty: the request's own scheme, host and path.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";
}

/// <summary>The platform operator's key, which can create organizations. Configuration <c>Align:PlatformAdminKey</c>.</summary>
public sealed class PlatformOptions
{
    public const string Section = "Align";

    public string PlatformAdminKey { get; set; } = "";
}

/// <summary>
/// Configuration section <c>Align:Cluster</c>, shared with the silo: which cluster this gateway joins
/// as a client and how it finds the silos' gateways.
/// </summary>
public sealed class ClusterConnectionOptions
{
    public const string Section = "Align:Cluster";

    /// <summary><c>azure</c> (Azure Table membership, the default), <c>redis</c>, or <c>localhost</c> (one silo on this machine).</summary>
    public string Clustering { get; set; } = "azure";

    public string ClusterId { get; set; } = "align";

    public string ServiceId { get; set; } = "orleans-align";

    public static readonly string[] Kinds = ["azure", "redis", "localhost"];
}

/// <summary>The connection strings the gateway needs for membership: <c>Align:Storage:ConnectionString</c> (azure) or <c>Align:Redis:ConnectionString</c> (redis).</summary>
public sealed record ClusterConnection(ClusterConnectionOptions Cluster, string StorageConnectionString, string RedisConnectionString, GatewayOptions Gateway)
{
    public static ClusterConnection Read(IConfiguration configuration)
    {
        var connection = new ClusterConnection(
            configuration.GetSection(ClusterConnectionOptions.Section).Get<ClusterConnectionOptions>() ?? new(),
            configuration["Align:Storage:ConnectionString"] ?? "",
            configuration["Align:Redis:ConnectionString"] ?? "",
            configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new());
        var errors = connection.Validate(configuration).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException("The gateway's cluster configuration is invalid:\n- " + string.Join("\n- ", errors));
        return connection;
    }

    public IEnumerable<string> Validate(IConfiguration configuration)
    {
        if (configuration["Align:Gateway:Clustering"] is not null)
            yield return "Align:Gateway:Clustering has moved to Align:Cluster:Clustering (shared with the silo).";
        if (!ClusterConnectionOptions.Kinds.Contains(Cluster.Clustering))
            yield return $"Align:Cluster:Clustering '{Cluster.Clustering}' is not supported; use 'azure', 'redis' or 'localhost'.";
        if (Cluster.Clustering == "azure" && string.IsNullOrWhiteSpace(StorageConnectionString))
            yield return "Align:Storage:ConnectionString (environment Align__Storage__ConnectionString) must be set when Align:Cluster:Clustering is 'azure': the gateway reads the silo list from its table.";
        if (Cluster.Clustering == "redis" && string.IsNullOrWhiteSpace(RedisConnectionString))
            yield return "Align:Redis:ConnectionString (environment Align__Redis__ConnectionString) must be set when Align:Cluster:Clustering is 'redis'.";
        if (string.IsNullOrWhiteSpace(Cluster.ClusterId)) yield return "Align:Cluster:ClusterId must not be empty.";
        if (string.IsNullOrWhiteSpace(Cluster.ServiceId)) yield return "Align:Cluster:ServiceId must not be empty.";
        if (Gateway.GatewayListRefreshPeriod <= TimeSpan.Zero) yield return "Align:Gateway:GatewayListRefreshPeriod must be positive.";
        if (Gateway.ResponseTimeout < TimeSpan.FromSeconds(1)) yield return "Align:Gateway:ResponseTimeout must be at least 1 s.";
        if (Gateway.MaxCsvImportBytes < 1024) yield return "Align:Gateway:MaxCsvImportBytes must be at least 1024.";
        if (Gateway.MaxCsvEventRows < 1) yield return "Align:Gateway:MaxCsvEventRows must be at least 1.";
        if (Gateway.MaxCsvGoalRows < 1) yield return "Align:Gateway:MaxCsvGoalRows must be at least 1.";
    }
}
