using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Gateway.Mail;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>An organization's people: admins add them with a role (and departments), list them, change their role and remove them.</summary>
public static class PeopleEndpoints
{
    public static void MapPeople(this RouteGroupBuilder api)
    {
        // Managing people grants power: the caller's credential is checked in the cluster, not the cache.
        var people = api.MapGroup("/people").WithTags("People").Requires(AlignAction.ManagePeople).Authenticated()
            .AddEndpointFilter(CredentialChecks.RequireValidNow);
        people.MapPost("", AddAsync).Reads().Answers<PersonAddedResponse>(201).Problems(409);
        people.MapGet("", ListAsync).Answers<IReadOnlyList<PersonResponse>>();
        people.MapPut("/{email}", ChangeAsync).Reads().Answers<PersonResponse>().Problems(404, 409);
        people.MapDelete("/{email}", RemoveAsync).Produces(204).Problems(404, 409);
    }

    private static IOrganizationGrain Org(HttpContext http, IClusterClient cluster) => cluster.GetGrain<IOrganizationGrain>(http.User.OrgId());

    private static async Task<IResult> AddAsync(AddPersonRequest request, HttpContext http, IClusterClient cluster, IOptions<BrowserSessionOptions> sessions,
        MailSender mail, TimeProvider clock)
    {
        var v = new Validation();
        if (!Emails.IsValid(request.Email)) v.Add("email", request.Email is null ? "is required." : "must be an email address (at most 254 characters, no spaces or '/').");
        var name = v.Text("displayName", request.DisplayName, InputLimits.MaxNameLength);
        var departments = RoleAndDepartments(v, request.Role, request.Departments);
        if (!v.IsValid) return v.Problem();

        var token = SessionEndpoints.NewToken();
        var expires = clock.GetUtcNow() + sessions.Value.SetPasswordTokenLifetime;
        var added = await Org(http, cluster).AddPersonAsync(Emails.Normalize(request.Email!), name!, request.Role!, departments, SessionEndpoints.TokenHash(token), expires);
        var m = added.Membership;

        // The invitation is stored; the mail is only its messenger. A failed or slow send (bounded by
        // Align:Mail:SendTimeout) is logged and reported as mailSent: false, and the admin has the link.
        var link = added.NewAccount ? mail.Link(MailLinks.Query("invite", token, m.Email, m.OrgId)) : null;
        // An organization with single sign-on: the invitation's page offers it beside the password, and the mail says so.
        var sso = added.NewAccount && await cluster.GetGrain<ISingleSignOnGrain>(m.OrgId).GetAsync() is not null;
        var sent = await mail.TrySendAsync(added.NewAccount
            ? new MailMessage(m.Email, m.DisplayName, $"You are invited to {m.OrgId} on Orleans.Align",
                $"""
                Hello {m.DisplayName},

                You have been invited to the organization {m.OrgId} on Orleans.Align as {m.Role}{(m.Departments.Count > 0 ? " of " + string.Join(", ", m.Departments) : "")}.
                Open this link to set your password and join; it works once, until {expires:yyyy-MM-dd HH:mm} UTC:

                {link}{(sso ? "\n\nYour organization also signs in with its single sign-on: the same page offers it instead of a password." : "")}
                """)
            : new MailMessage(m.Email, m.DisplayName, $"You joined {m.OrgId} on Orleans.Align",
                $"""
                Hello {m.DisplayName},

                You have been added to the organization {m.OrgId} on Orleans.Align as {m.Role}{(m.Departments.Count > 0 ? " of " + string.Join(", ", m.Departments) : "")}.
                Sign in with your existing password: {mail.Link("org=" + Uri.EscapeDataString(m.OrgId))}
                """), http.RequestAborted);
        return TypedResults.Created($"/api/v1/people/{Uri.EscapeDataString(m.Email)}", new PersonAddedResponse(m.Email, m.DisplayName, m.Role, m.Departments, m.CreatedAt,
            added.NewAccount, added.NewAccount ? token : null, added.NewAccount ? expires : null, link, sent));
    }

    /// <summary>The checks a role and its departments get when a person is added or changed; the organization checks that the departments exist.</summary>
    private static List<string> RoleAndDepartments(Validation v, string? role, List<string?>? requested)
    {
        if (!PersonRoles.IsKnown(role)) v.Add("role", $"must be one of: {string.Join(", ", PersonRoles.All)}.");
        var departments = v.Ids("departments", requested);
        if (role is not null && PersonRoles.IsKnown(role))
        {
            if (PersonRoles.TakesDepartments(role) && requested is not { Count: > 0 }) v.Add("departments", $"a {role} acts for at least one department: name them.");
            if (!PersonRoles.TakesDepartments(role) && requested is { Count: > 0 }) v.Add("departments", $"an {role} acts for the whole organization: name no department.");
        }
        return departments;
    }

    /// <summary>
    /// Changes the role and departments of a member in place. The person's sessions stay open (a
    /// promotion does not sign anyone out) and every gateway applies the new role within a second, to
    /// API requests and to live connections alike; the last admin cannot be demoted (409).
    /// </summary>
    private static async Task<IResult> ChangeAsync(string email, ChangePersonRequest request, HttpContext http, IClusterClient cluster)
    {
        if (!Emails.IsValid(email)) return CatalogueEndpoints.NotFound($"{InputLimits.Echo(email)} is not a member of this organization.");
        var v = new Validation();
        var departments = RoleAndDepartments(v, request.Role, request.Departments);
        if (!v.IsValid) return v.Problem();

        var changed = await Org(http, cluster).ChangePersonAsync(Emails.Normalize(email), request.Role!, departments);
        AuditRecorder.Detail(http, "before", Describe(changed.Before));
        AuditRecorder.Detail(http, "after", Describe(changed.After));
        var m = changed.After;
        return TypedResults.Ok(new PersonResponse(m.Email, m.DisplayName, m.Role, m.Departments, m.CreatedAt));

        static string Describe(Membership m) => m.Departments.Count == 0 ? m.Role : $"{m.Role} of {string.Join(",", m.Departments.Take(8))}";
    }

    private static async Task<IResult> ListAsync(HttpContext http, IClusterClient cluster)
    {
        var people = await Org(http, cluster).ListPeopleAsync();
        return TypedResults.Ok(people.OrderBy(p => p.Email, StringComparer.Ordinal)
            .Select(p => new PersonResponse(p.Email, p.DisplayName, p.Role, p.Departments, p.CreatedAt)).ToList());
    }

    /// <summary>Revokes the membership: the person's sessions end on every gateway, live connections included, within a second.</summary>
    private static async Task<IResult> RemoveAsync(string email, HttpContext http, IClusterClient cluster)
    {
        if (!Emails.IsValid(email)) return CatalogueEndpoints.NotFound($"{InputLimits.Echo(email)} is not a member of this organization.");
        await Org(http, cluster).RemovePersonAsync(Emails.Normalize(email));
        return TypedResults.NoContent();
    }
}
