using System.ComponentModel.DataAnnotations;
using static Orleans.Align.Gateway.Api.InputLimits;

namespace Orleans.Align.Gateway.Api;

// People, sign-in and sessions. As in Requests.cs: every member is nullable so that validation names
// each wrong field; the attributes tell the OpenAPI document the rules the endpoints enforce.

/// <summary>Sign in to one organization; the answer sets the session cookie.</summary>
public sealed record SignInRequest(
    [property: Required, StringLength(Emails.MaxLength, MinimumLength = 3), EmailAddress, RegularExpression(Emails.Pattern)] string? Email,
    [property: Required, StringLength(MaxPasswordLength, MinimumLength = 1)] string? Password,
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Organization);

/// <summary>
/// The signed-in person. <c>csrfToken</c> goes in the <c>X-CSRF-TOKEN</c> header of every request that
/// changes something while signed in.
/// </summary>
public sealed record SessionResponse(string Organization, string Email, string DisplayName, string Role, IReadOnlyList<string> Departments, string CsrfToken);

/// <summary>Who the caller is: a person (<c>kind</c> "person": email, name, role, departments, and a fresh <c>csrfToken</c>) or an API key (<c>kind</c> "apiKey": key id and scopes).</summary>
public sealed record MeResponse(string Kind, string Organization, string? Email, string? DisplayName, string? Role, IReadOnlyList<string> Departments,
    string? KeyId, IReadOnlyList<string> Scopes, string? CsrfToken);

/// <summary>Sets a new account's password with the one-time token its organization's admin was shown.</summary>
public sealed record SetPasswordRequest(
    [property: Required, StringLength(Emails.MaxLength, MinimumLength = 3), EmailAddress, RegularExpression(Emails.Pattern)] string? Email,
    [property: Required, StringLength(MaxTokenLength, MinimumLength = 1)] string? Token,
    [property: Required, StringLength(MaxPasswordLength, MinimumLength = MinPasswordLength)] string? Password);

/// <summary>Adds a person: <c>role</c> admin or viewer (no departments), lead or member (one or more <c>departments</c>).</summary>
public sealed record AddPersonRequest(
    [property: Required, StringLength(Emails.MaxLength, MinimumLength = 3), EmailAddress, RegularExpression(Emails.Pattern)] string? Email,
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? DisplayName,
    [property: Required] string? Role,
    [property: MaxLength(MaxIdsPerList)] List<string?>? Departments);

/// <summary>
/// Changes a member's role in place: <c>role</c> admin or viewer (no departments), lead or member (one or
/// more <c>departments</c>, which replace the old ones). The display name is the person's own and stays.
/// </summary>
public sealed record ChangePersonRequest(
    [property: Required] string? Role,
    [property: MaxLength(MaxIdsPerList)] List<string?>? Departments);

public sealed record PersonResponse(string Email, string DisplayName, string Role, IReadOnlyList<string> Departments, DateTimeOffset CreatedAt);

/// <summary>
/// The person added. For a new account, <c>setPasswordToken</c> (shown once) lets the person set a
/// password with <c>POST /api/v1/account/password</c> until <c>setPasswordExpiresAt</c>, and
/// <c>invitationUrl</c> is the web client's link that does it (the link the invitation mail carries);
/// an existing account keeps its password, and all three are null. <c>mailSent</c>: whether the mail
/// (the invitation, or for an existing account a note that it joined) went out; false when mail is off
/// or the SMTP server failed, and then the admin passes the link on.
/// </summary>
public sealed record PersonAddedResponse(string Email, string DisplayName, string Role, IReadOnlyList<string> Departments, DateTimeOffset CreatedAt,
    bool NewAccount, string? SetPasswordToken, DateTimeOffset? SetPasswordExpiresAt, string? InvitationUrl, bool MailSent);

/// <summary>
/// Asks for a password-reset mail. <c>organization</c>, when given, limits it to an account that belongs
/// to that organization (and the link names it). The answer is 202 whether or not the account exists.
/// </summary>
public sealed record PasswordResetRequest(
    [property: Required, StringLength(Emails.MaxLength, MinimumLength = 3), EmailAddress, RegularExpression(Emails.Pattern)] string? Email,
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Organization);
