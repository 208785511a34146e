using System.Security.Claims;

namespace Orleans.Align.Gateway.Auth;

/// <summary>
/// What an authenticated request carries, whichever scheme authenticated it: its organization, the
/// credential that revocation goes by, and what it may do (an API key's scopes, or a person's role
/// and departments), which <see cref="GrantOf"/> turns into the one <see cref="Grant"/> that
/// <see cref="Access"/> decides on.
/// </summary>
public static class AlignClaims
{
    public const string Org = "align:org";
    public const string KeyId = "align:key";
    public const string Scope = "align:scope";

    /// <summary>The API key's name (what the audit log shows as the actor). API keys only.</summary>
    public const string KeyName = "align:key-name";

    /// <summary>The SHA-256 of the key the caller presented (never the key). API keys only.</summary>
    public const string KeyHash = "align:key-hash";

    /// <summary>
    /// What revocation and live connections go by: a key's hash, or <c>session:{id}</c> for a person's
    /// session (<see cref="Grains.SessionCredentials"/>).
    /// </summary>
    public const string Credential = "align:credential";

    /// <summary>The one board a wall-screen board link reads (board links only).</summary>
    public const string Board = "align:board";

    /// <summary>When a board link expires, or a person's session reaches its lifetime (round-trip format), if it does.</summary>
    public const string ExpiresAt = "align:expires-at";

    public const string Email = "align:email";
    public const string Name = "align:name";
    public const string SessionId = ClaimTypes.NameIdentifier; // antiforgery tokens are bound to it
    public const string Role = "align:role";
    public const string Department = "align:department";

    public const string ForbiddenDetail = "Your API key's scopes, or your role and departments, do not allow this operation (a board link reads its own board only).";

    /// <summary>The caller's organization: always from the credential, never from the URL.</summary>
    public static string OrgId(this ClaimsPrincipal user) =>
        user.FindFirstValue(Org) ?? throw new InvalidOperationException("An authenticated principal always carries its organization.");

    public static string KeyHashOf(this ClaimsPrincipal user) =>
        user.FindFirstValue(KeyHash) ?? throw new InvalidOperationException("An API key's principal always carries its key's hash.");

    public static string CredentialOf(this ClaimsPrincipal user) =>
        user.FindFirstValue(Credential) ?? throw new InvalidOperationException("An authenticated principal always carries its credential.");

    /// <summary>True for a person signed in with a session cookie, false for an API key.</summary>
    public static bool IsPerson(this ClaimsPrincipal user) => user.HasClaim(c => c.Type == Role);

    public static string? EmailOf(this ClaimsPrincipal user) => user.FindFirstValue(Email);

    /// <summary>What the caller may do, in the terms of the authorization model.</summary>
    public static Grant GrantOf(this ClaimsPrincipal user) =>
        user.FindFirstValue(Role) is { } role
            ? Grant.ForRole(role, user.FindAll(Department).Select(c => c.Value))
            : user.FindFirstValue(Board) is { } board
                ? Grant.ForBoardLink(board)
                : Grant.ForScopes(user.FindAll(Scope).Select(c => c.Value));

    /// <summary>The board of a board link's principal, null for every other credential.</summary>
    public static string? BoardOf(this ClaimsPrincipal user) => user.FindFirstValue(Board);

    /// <summary>When the principal's board link expires or its session reaches its lifetime, if it is one that does.</summary>
    public static DateTimeOffset? ExpiresAtOf(this ClaimsPrincipal user) =>
        user.FindFirstValue(ExpiresAt) is { } at ? DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>True when the caller may read and watch <paramref name="boardId"/> (a board link: only its own).</summary>
    public static bool AllowsBoard(this ClaimsPrincipal user, string boardId) => Access.AllowsBoard(user.GrantOf(), boardId);

    public static bool Allows(this ClaimsPrincipal user, AlignAction action, params IReadOnlyCollection<string> departments) =>
        Access.Allows(user.GrantOf(), action, departments);
}
