using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Orleans.Align.Grains.People;

[GenerateSerializer, Alias("align.account-state")]
public sealed class AccountState
{
    [Id(0)] public string? Email { get; set; }
    [Id(1)] public string DisplayName { get; set; } = "";
    /// <summary>ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> format (PBKDF2, salted, versioned); null until the person sets one.</summary>
    [Id(2)] public string? PasswordHash { get; set; }
    [Id(3)] public int FailedSignIns { get; set; }
    [Id(4)] public DateTimeOffset? LockedUntil { get; set; }
    /// <summary>SHA-256 of the one-time set-password token; null once spent.</summary>
    [Id(5)] public string? SetPasswordTokenHash { get; set; }
    [Id(6)] public DateTimeOffset? SetPasswordTokenExpiresAt { get; set; }
    [Id(7)] public List<string> Organizations { get; set; } = [];
    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the last password reset was issued (at most one per <see cref="AccountOptions.PasswordResetInterval"/>).</summary>
    [Id(9)] public DateTimeOffset? LastPasswordResetAt { get; set; }
}

/// <summary>
/// A person's credentials (<see cref="IAccountGrain"/>). Passwords are hashed with Identity's
/// <see cref="PasswordHasher{TUser}"/> here, in the grain, so that checking a password and counting the
/// failure are one turn: parallel guesses queue behind each other and meet the lockout.
/// </summary>
public sealed class AccountGrain(
    [PersistentState("account", StorageNames.Align)] IPersistentState<AccountState> state,
    IOptions<AccountOptions> options,
    TimeProvider clock) : Grain, IAccountGrain
{
    private static readonly PasswordHasher<AccountState> Hasher = new();

    /// <summary>Verified against when there is no hash, so an unknown account costs what a wrong password costs.</summary>
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword(new AccountState(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    public async Task<bool> EnsureAsync(string displayName, string setPasswordTokenHash, DateTimeOffset tokenExpiresAt)
    {
        if (state.State.Email is not null) return false;
        state.State = new AccountState
        {
            Email = this.GetPrimaryKeyString(),
            DisplayName = displayName,
            SetPasswordTokenHash = setPasswordTokenHash,
            SetPasswordTokenExpiresAt = tokenExpiresAt,
            CreatedAt = clock.GetUtcNow(),
        };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<bool> SetPasswordAsync(string setPasswordTokenHash, string newPassword)
    {
        var s = state.State;
        if (s.Email is null || s.SetPasswordTokenHash is not { } expected || s.SetPasswordTokenExpiresAt is not { } expires) return false;
        if (clock.GetUtcNow() >= expires || !FixedTimeEquals(expected, setPasswordTokenHash)) return false;
        s.PasswordHash = Hasher.HashPassword(s, newPassword);
        s.SetPasswordTokenHash = null;
        s.SetPasswordTokenExpiresAt = null;
        s.FailedSignIns = 0;
        s.LockedUntil = null;
        await state.WriteStateAsync();
        return true;
    }

    public async Task<PasswordReset?> IssuePasswordResetAsync(string? orgId, string setPasswordTokenHash, DateTimeOffset tokenExpiresAt)
    {
        var s = state.State;
        var now = clock.GetUtcNow();
        if (s.Email is null) return null;
        if (orgId is not null && !s.Organizations.Contains(orgId)) return null;
        if (s.LastPasswordResetAt is { } last && now - last < options.Value.PasswordResetInterval) return null;
        s.SetPasswordTokenHash = setPasswordTokenHash;
        s.SetPasswordTokenExpiresAt = tokenExpiresAt;
        s.LastPasswordResetAt = now;
        await state.WriteStateAsync();
        return new PasswordReset(s.Email, s.DisplayName, orgId ?? (s.Organizations.Count == 1 ? s.Organizations[0] : null));
    }

    public async Task<PasswordCheck> CheckPasswordAsync(string password)
    {
        var s = state.State;
        var now = clock.GetUtcNow();
        if (s.LockedUntil is { } until && until > now) return new PasswordCheck(SignInOutcome.LockedOut, until);
        if (s.Email is null || s.PasswordHash is null)
        {
            Hasher.VerifyHashedPassword(s, DecoyHash.Value, password);
            return new PasswordCheck(SignInOutcome.Failed);
        }

        var result = Hasher.VerifyHashedPassword(s, s.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            s.FailedSignIns++;
            var lockedOut = s.FailedSignIns >= options.Value.MaxFailedSignIns;
            if (lockedOut)
            {
                s.LockedUntil = now + options.Value.LockoutDuration;
                s.FailedSignIns = 0;
            }
            await state.WriteStateAsync();
            return lockedOut ? new PasswordCheck(SignInOutcome.LockedOut, s.LockedUntil) : new PasswordCheck(SignInOutcome.Failed);
        }

        var changed = s.FailedSignIns != 0 || s.LockedUntil is not null;
        (s.FailedSignIns, s.LockedUntil) = (0, null);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            s.PasswordHash = Hasher.HashPassword(s, password);
            changed = true;
        }
        if (changed) await state.WriteStateAsync();
        return new PasswordCheck(SignInOutcome.Succeeded, DisplayName: s.DisplayName);
    }

    public Task<AccountInfo?> GetAsync() => Task.FromResult(state.State.Email is { } email
        ? new AccountInfo(email, state.State.DisplayName, state.State.PasswordHash is not null, [.. state.State.Organizations])
        : null);

    public async Task JoinAsync(string orgId)
    {
        if (state.State.Email is null || state.State.Organizations.Contains(orgId)) return;
        state.State.Organizations.Add(orgId);
        await state.WriteStateAsync();
    }

    public async Task LeaveAsync(string orgId)
    {
        if (!state.State.Organizations.Remove(orgId)) return;
        await state.WriteStateAsync();
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
