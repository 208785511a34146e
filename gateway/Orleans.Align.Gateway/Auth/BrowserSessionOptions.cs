namespace Orleans.Align.Gateway.Auth;

/// <summary>Browser sessions of people; configuration section <c>Align:Gateway:Sessions</c>.</summary>
public sealed class BrowserSessionOptions
{
    public const string Section = "Align:Gateway:Sessions";

    public string CookieName { get; set; } = "align.session";

    /// <summary>A session cookie expires after this long without a request (sliding: each request past half of it renews it).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long the set-password token shown to the admin who adds a person stays usable.</summary>
    public TimeSpan SetPasswordTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a mailed password-reset link stays usable.</summary>
    public TimeSpan PasswordResetTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A folder for the keys that encrypt session cookies, instead of the cluster's key ring
    /// (<see cref="ClusterKeyRing"/>, the default when this is empty). Every gateway of a deployment
    /// must read the same keys, or a cookie issued by one is refused by the others.
    /// </summary>
    public string DataProtectionKeysPath { get; set; } = "";
}
