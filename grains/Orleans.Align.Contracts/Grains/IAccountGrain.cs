namespace Orleans.Align.Grains;

/// <summary>
/// A person's account: email, display name, password hash, failed sign-ins and lockout. Global (a
/// person may belong to several organizations), keyed by the normalized email (<see cref="Emails.Normalize"/>).
/// It holds no organization's data: what a person may do in an organization is that organization's
/// <see cref="IMembershipGrain"/>, keyed by the organization first. Not reentrant: sign-ins of one
/// account are checked one at a time, so parallel guesses cannot outrun the lockout.
/// </summary>
[Alias("align.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the account with no password and a one-time set-password token (its SHA-256), unless it
    /// exists; true when created. An existing account is left exactly as it is: an organization that
    /// adds a person who already has an account can never set or learn that person's password.
    /// </summary>
    [Alias("Ensure")]
    Task<bool> EnsureAsync(string displayName, string setPasswordTokenHash, DateTimeOffset tokenExpiresAt);

    /// <summary>Sets the password with the one-time token (which is then spent) and ends any lockout; false when the token is wrong, spent or expired.</summary>
    [Alias("SetPassword")]
    Task<bool> SetPasswordAsync(string setPasswordTokenHash, string newPassword);

    /// <summary>
    /// A password reset: replaces any unspent set-password token with this one (its SHA-256) and returns the
    /// organization the link should name, when the account exists and, if <paramref name="orgId"/> is given,
    /// belongs to it, and no reset was issued in the last <c>Align:Accounts:PasswordResetInterval</c>; otherwise
    /// null and nothing changes. The caller answers the same either way (no account enumeration).
    /// </summary>
    [Alias("IssuePasswordReset")]
    Task<PasswordReset?> IssuePasswordResetAsync(string? orgId, string setPasswordTokenHash, DateTimeOffset tokenExpiresAt);

    /// <summary>
    /// Checks the password. Consecutive failures past the configured limit lock the account for the
    /// configured time; while locked, no password is even checked. An unknown account fails in the
    /// same way (and about the same time) as a wrong password.
    /// </summary>
    [Alias("CheckPassword")]
    Task<PasswordCheck> CheckPasswordAsync(string password);

    [Alias("Get")]
    Task<AccountInfo?> GetAsync();

    /// <summary>Records that the account belongs to the organization (for its owner's list of organizations).</summary>
    [Alias("Join")]
    Task JoinAsync(string orgId);

    [Alias("Leave")]
    Task LeaveAsync(string orgId);
}
