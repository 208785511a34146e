namespace Orleans.Align;

/// <summary>
/// An organization's single sign-on through its OpenID Connect provider. <see cref="ProtectedClientSecret"/>
/// is the client secret as the gateways' data protection sealed it: the cluster's storage never holds it in
/// clear. <see cref="JoinAs"/>: null lets only the organization's people (members and invitees) in; a role
/// (<see cref="PersonRoles.Viewer"/>) lets anyone of an allowed domain join with it on first sign-in.
/// <see cref="Version"/> grows with every change, so each gateway notices that its copy is old.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.sso-settings")]
public sealed record SsoSettings(
    [property: Id(0)] string Issuer,
    [property: Id(1)] string ClientId,
    [property: Id(2)] string ProtectedClientSecret,
    [property: Id(3)] IReadOnlyList<string> AllowedDomains,
    [property: Id(4)] string? JoinAs,
    [property: Id(5)] long Version,
    [property: Id(6)] DateTimeOffset UpdatedAt);
