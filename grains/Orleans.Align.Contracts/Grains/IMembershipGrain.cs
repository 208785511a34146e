using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>
/// A person's membership of one organization and the browser sessions opened with it. Key:
/// <c>{org}/{normalized email}</c> (<see cref="GrainKeys.For"/>), so a session of one organization can
/// never name another's membership. Written only by the organization (grant, revoke) and by sign-in
/// and sign-out; every gateway checks sessions against it.
/// </summary>
[Alias("align.IMembershipGrain")]
public interface IMembershipGrain : IGrainWithStringKey
{
    /// <summary>Stores the membership; Conflict when an active one exists.</summary>
    [Alias("Grant")]
    Task GrantAsync(Membership membership);

    [Alias("Get"), AlwaysInterleave]
    Task<Membership?> GetAsync();

    /// <summary>
    /// Ends the membership and every session opened with it, then announces each session on the
    /// revocation feed (<see cref="IKeyRevocationsGrain"/>), so that every gateway refuses it and closes
    /// its live connections within a second. Idempotent: a retry announces again.
    /// </summary>
    [Alias("Revoke")]
    Task RevokeAsync();

    /// <summary>
    /// Changes the role and departments in place (the same membership, the same sessions) and announces
    /// each open session on the revocation feed as changed (<see cref="SessionCredentials.Changed"/>), so
    /// that every gateway forgets its cached copy and reads the new role within a second, without
    /// signing anyone out. Null when there is no active membership. Idempotent: a retry announces again.
    /// </summary>
    [Alias("Change")]
    Task<Membership?> ChangeAsync(string role, IReadOnlyList<string> departments);

    /// <summary>Records a new session (after the account checked the password); null when there is no active membership.</summary>
    [Alias("StartSession")]
    Task<Membership?> StartSessionAsync(string sessionId);

    /// <summary>The membership when the session is open and the membership active, read now (authoritative); otherwise null.</summary>
    [Alias("ValidateSession"), AlwaysInterleave]
    Task<Membership?> ValidateSessionAsync(string sessionId);

    /// <summary>Like <see cref="ValidateSessionAsync"/>, with when the session ends at the latest (its absolute lifetime).</summary>
    [Alias("CheckSession"), AlwaysInterleave]
    Task<OpenSession?> CheckSessionAsync(string sessionId);

    /// <summary>Signs the session out and announces it on the revocation feed. Idempotent.</summary>
    [Alias("EndSession")]
    Task EndSessionAsync(string sessionId);
}

/// <summary>The credential ids people's sessions go by on the revocation feed and in a gateway's live connections.</summary>
public static class SessionCredentials
{
    public const string Prefix = "session:";

    public static string For(string sessionId) => Prefix + sessionId;

    public static bool IsSession(string credential) => credential.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// What the revocation feed carries when a session's membership changed (role, departments) but
    /// the session goes on: gateways forget what they cached for it and re-read it. A gateway that did
    /// not know this prefix would take it for a revoked key nobody holds, which is harmless.
    /// </summary>
    public const string ChangedPrefix = "session-changed:";

    public static string Changed(string sessionId) => ChangedPrefix + sessionId;

    /// <summary>True when <paramref name="entry"/> is a changed-session entry; <paramref name="credential"/> is then the session's credential.</summary>
    public static bool IsChanged(string entry, out string credential)
    {
        var changed = entry.StartsWith(ChangedPrefix, StringComparison.Ordinal);
        credential = changed ? For(entry[ChangedPrefix.Length..]) : "";
        return changed;
    }
}
