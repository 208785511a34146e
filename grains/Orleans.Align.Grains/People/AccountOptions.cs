namespace Orleans.Align.Grains.People;

/// <summary>How accounts and sessions are guarded; configuration section <c>Align:Accounts</c> (silo).</summary>
public sealed class AccountOptions
{
    public const string Section = "Align:Accounts";

    /// <summary>Consecutive failed sign-ins after which an account is locked.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a locked account refuses every sign-in, even with the right password.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a browser session lives, however active (the cookie's sliding expiry is shorter).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Open sessions kept per membership; past it the oldest is signed out.</summary>
    public int MaxSessionsPerMembership { get; set; } = 50;

    /// <summary>At most one password reset per account in this long: repeated requests for one address mail nothing more.</summary>
    public TimeSpan PasswordResetInterval { get; set; } = TimeSpan.FromMinutes(1);
}
