namespace Orleans.Align;

/// <summary>
/// A person's role in one organization. <see cref="Lead"/> and <see cref="Member"/> are held for
/// departments (at least one); <see cref="Admin"/> and <see cref="Viewer"/> for the whole organization.
/// </summary>
public static class PersonRoles
{
    public const string Admin = "admin";
    public const string Lead = "lead";
    public const string Member = "member";
    public const string Viewer = "viewer";

    public static readonly IReadOnlyList<string> All = [Admin, Lead, Member, Viewer];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);

    /// <summary>Leads and members act for departments, so they name at least one; admins and viewers name none.</summary>
    public static bool TakesDepartments(string role) => role is Lead or Member;
}

/// <summary>The one spelling of an email address as a key: trimmed, lower case (invariant).</summary>
public static class Emails
{
    public const int MaxLength = 254;

    /// <summary>
    /// <see cref="IsValid"/> as a regular expression, for the OpenAPI document (and anyone who checks
    /// an address before sending it): one '@' with something on both sides, a domain with a '.' neither
    /// first nor last, no whitespace, control characters, '/', '\\', '"', '&lt;' or '&gt;'.
    /// </summary>
    public const string Pattern = @"^[^@\s/\\""<>\p{Cc}]+@[^.@\s/\\""<>\p{Cc}][^@\s/\\""<>\p{Cc}]*\.[^@\s/\\""<>\p{Cc}]*[^.@\s/\\""<>\p{Cc}]$";

    /// <summary>
    /// A deliberately plain check (one '@', something on both sides, a dot in the domain, no spaces or
    /// control characters, at most 254 characters): whether a mailbox exists is the mail's business.
    /// </summary>
    public static bool IsValid(string? email)
    {
        if (string.IsNullOrEmpty(email) || email.Length > MaxLength) return false;
        var at = email.IndexOf('@');
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1) return false;
        var domain = email.AsSpan(at + 1);
        if (domain.IndexOf('.') is <= 0 || domain[^1] == '.') return false;
        foreach (var c in email)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '\\' or '"' or '<' or '>') return false;
        }
        return true;
    }

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}

/// <summary>
/// A person's membership of one organization: the role and, for leads and members, the departments.
/// <see cref="MembershipId"/> is new at every grant, so that revoking one membership can never be
/// mistaken for a later one of the same person.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.membership")]
public sealed record Membership(
    [property: Id(0)] string OrgId,
    [property: Id(1)] string Email,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string Role,
    [property: Id(4)] IReadOnlyList<string> Departments,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string MembershipId);

/// <summary>
/// An open session as the gateways may trust it: the membership as it is now and when the session ends
/// however active it is (its absolute lifetime), so that no gateway caches it, and no live connection
/// keeps it, past that moment.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.open-session")]
public sealed record OpenSession(
    [property: Id(0)] Membership Membership,
    [property: Id(1)] DateTimeOffset ExpiresAt);

/// <summary>A person's role or departments changed in place (same membership): what they were and what they are.</summary>
[GenerateSerializer, Immutable, Alias("align.person-changed")]
public sealed record PersonChanged(
    [property: Id(0)] Membership Before,
    [property: Id(1)] Membership After);

/// <summary>What the organization answers when an admin adds a person.</summary>
/// <param name="NewAccount">True when the account did not exist: it was created and can only be used once its password is set.</param>
[GenerateSerializer, Immutable, Alias("align.person-added")]
public sealed record PersonAdded(
    [property: Id(0)] Membership Membership,
    [property: Id(1)] bool NewAccount);

[GenerateSerializer, Alias("align.sign-in-outcome")]
public enum SignInOutcome
{
    Succeeded = 0,
    /// <summary>Unknown account, no password set yet, or a wrong password: never said apart, so nobody learns which accounts exist.</summary>
    Failed = 1,
    LockedOut = 2,
}

[GenerateSerializer, Immutable, Alias("align.password-check")]
public sealed record PasswordCheck(
    [property: Id(0)] SignInOutcome Outcome,
    [property: Id(1)] DateTimeOffset? LockedUntil = null,
    [property: Id(2)] string? DisplayName = null);

/// <summary>A global account as its owner may see it: who, and which organizations it belongs to.</summary>
[GenerateSerializer, Immutable, Alias("align.account")]
public sealed record AccountInfo(
    [property: Id(0)] string Email,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] bool HasPassword,
    [property: Id(3)] IReadOnlyList<string> Organizations);

/// <summary>A password reset was issued: whom to mail, and the organization to name in the link (null when the account belongs to several and none was named).</summary>
[GenerateSerializer, Immutable, Alias("align.password-reset")]
public sealed record PasswordReset(
    [property: Id(0)] string Email,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string? OrgId);
