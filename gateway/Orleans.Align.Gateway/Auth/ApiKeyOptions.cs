namespace Orleans.Align.Gateway.Auth;

/// <summary>
/// How the gateway trusts API keys; configuration section <c>Align:Gateway</c> (beside
/// <c>KeyCacheDuration</c>, how long a known key is kept, in <see cref="Hosting.GatewayOptions"/>).
/// </summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Align:Gateway";

    /// <summary>
    /// How often the gateway reads the cluster's revocation feed. A revoked key stops working on this
    /// gateway, and its live connections close, within this plus one call to the cluster.
    /// </summary>
    public TimeSpan RevocationPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Cached keys are trusted only while the revocation feed was read successfully within this
    /// time; past it (the cluster is unreachable, or the gateway is starting) every key is looked up
    /// in the cluster again, so a revocation is never missed for longer than this.
    /// </summary>
    public TimeSpan RevocationFeedMaxAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a well-formed key that the cluster does not know (or knows as revoked) is refused without asking again.</summary>
    public TimeSpan UnknownKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>At most this many unknown keys are remembered, whatever a caller sends; past it they are looked up each time.</summary>
    public int UnknownKeyCacheSize { get; set; } = 10_000;

    /// <summary>At most this many known keys are cached.</summary>
    public int KnownKeyCacheSize { get; set; } = 100_000;
}
