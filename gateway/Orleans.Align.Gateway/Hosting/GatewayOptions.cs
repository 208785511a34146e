namespace Orleans.Align.Gateway.Hosting;

/// <summary>Configuration section <c>Align:Gateway</c> (plus <c>Align:PlatformAdminKey</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Align:Gateway";

    /// <summary>The silo gateway port this Orleans client connects to (localhost clustering).</summary>
    public int OrleansGatewayPort { get; set; } = 30000;

    /// <summary>Largest ingest batch, in events.</summary>
    public int MaxEventsPerBatch { get; set; } = 5_000;

    /// <summary>Largest request body, in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a resolved API key is trusted before it is looked up again (so revocation takes effect within it).</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The platform operator's key, which can create organizations. Configuration <c>Align:PlatformAdminKey</c>.</summary>
public sealed class PlatformOptions
{
    public const string Section = "Align";

    public string PlatformAdminKey { get; set; } = "";
}
