namespace Orleans.Align.Grains.Subscriptions;

/// <summary>Configuration section <c>Align:Integrations</c>: outbound deliveries (subscriptions).</summary>
public sealed class IntegrationOptions
{
    public const string Section = "Align:Integrations";

    /// <summary>
    /// Let deliveries reach loopback, private (RFC 1918, unique-local), link-local, CGNAT and other
    /// non-public addresses. Off in production (server-side request forgery); the end-to-end tests turn it on.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Networks (CIDR, e.g. <c>10.20.0.0/16</c>) allowed even though they are not public: an operator's own receivers.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Accept <c>http://</c> subscription URLs; otherwise only <c>https://</c>.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>The first retry's delay; each later one doubles, up to <see cref="MaxRetryDelay"/>, with ±20 % jitter.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a delivery is retried from its creation before it is dead-lettered (at least 24 hours in production).</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(25);

    /// <summary>One attempt's time limit (connect, send, answer).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The period of the reminders that wake the outbox and a subscription with pending deliveries after a
    /// crash (Orleans' minimum reminder period applies, a minute by default).
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Finished deliveries (delivered or dead-lettered) kept in a subscription's log; pending ones are always kept.</summary>
    public int MaxDeliveriesKept { get; set; } = 200;

    /// <summary>Subscriptions per organization.</summary>
    public int MaxSubscriptions { get; set; } = 50;

    /// <summary>
    /// The address people open the web client at (<c>Align:PublicBaseUrl</c>), for the goal links in
    /// deliveries (<c>{PublicBaseUrl}/#/goals/{goalId}</c>). Default: the gateway's default address.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";
}
