using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Invitations and password resets over real SMTP: the gateways mail maildev (a real SMTP catcher on
/// loopback, started by <see cref="AlignSystem"/>), the test reads the mail through maildev's REST API
/// (<c>GET /api/email</c>), follows the link's token, sets a password and signs in.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class InvitationMailTests(AlignSystem system)
{
    private const string Password = "a long enough password";

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();

    /// <summary>Waits for the mail to this address whose subject contains the text, and returns it.</summary>
    private async Task<JsonNode> MailToAsync(string email, string subject, TimeSpan? wait = null)
    {
        using var http = new HttpClient { BaseAddress = system.MailCatcher };
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var all = await MailsToAsync(http, email);
            if (all.FirstOrDefault(m => m["subject"]!.GetValue<string>().Contains(subject, StringComparison.Ordinal)) is { } mail) return mail;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No mail '{subject}' to {email} in maildev.");
            await Task.Delay(200);
        }
    }

    private static async Task<List<JsonNode>> MailsToAsync(HttpClient http, string email)
    {
        var list = (await http.GetFromJsonAsync<JsonArray>("/api/email"))!;
        return [.. list.OfType<JsonNode>().Where(m => m["to"]!.AsArray().Any(t => string.Equals(t!["address"]!.GetValue<string>(), email, StringComparison.OrdinalIgnoreCase)))];
    }

    /// <summary>The link in the mail's text, and its query's values.</summary>
    private static (Uri Link, Dictionary<string, string> Query) LinkIn(JsonNode mail)
    {
        var link = new Uri(Link().Match(mail["text"]!.GetValue<string>()).Value);
        var query = link.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        return (link, query);
    }

    private async Task<HttpStatusCode> SignInStatusAsync(string email, string password, string org)
    {
        using var http = new HttpClient { BaseAddress = system.Gateway };
        using var response = await http.PostAsJsonAsync("/api/v1/session", new { email, password, organization = org });
        return response.StatusCode;
    }

    [Fact]
    public async Task An_invitation_is_mailed_and_its_link_sets_the_password_and_the_person_signs_in()
    {
        var tenant = await system.CreateTenantAsync("inv");
        await tenant.SeedLaunchAsync();
        var email = $"invitee-{Guid.NewGuid():N}"[..20] + "@example.com";

        var added = await tenant.PostOkAsync("/api/v1/people", new { email, displayName = "Ines Invited", role = "member", departments = new[] { "marketing" } });
        Assert.True(added["mailSent"]!.GetValue<bool>());
        var invitationUrl = added["invitationUrl"]!.GetValue<string>();

        var mail = await MailToAsync(email, "You are invited");
        Assert.Contains(tenant.Id, mail["subject"]!.GetValue<string>());
        var (link, query) = LinkIn(mail);
        Assert.Equal(invitationUrl, link.ToString());
        Assert.Equal(system.Gateway.Authority, link.Authority); // the gateway's own address: no PublicUrl configured, never the Host header
        Assert.Equal(email, query["email"]);
        Assert.Equal(tenant.Id, query["org"]);
        Assert.Equal(added["setPasswordToken"]!.GetValue<string>(), query["invite"]);

        // The link opens the web client.
        using (var page = await system.Http.GetAsync(link)) Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // No password yet: sign-in fails until the invitation is accepted.
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync(email, Password, tenant.Id));
        using (var set = await system.Http.PostAsJsonAsync("/api/v1/account/password", new { email = query["email"], token = query["invite"], password = Password }))
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync(email, Password, query["org"]));

        // The invitation works once.
        using (var again = await system.Http.PostAsJsonAsync("/api/v1/account/password", new { email, token = query["invite"], password = "another long password" }))
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task A_person_added_to_a_second_organization_is_told_by_mail_and_keeps_the_password()
    {
        var first = await system.CreateTenantAsync("inv");
        var second = await system.CreateTenantAsync("inv");
        var email = $"twice-{Guid.NewGuid():N}"[..20] + "@example.com";
        var added = await first.PostOkAsync("/api/v1/people", new { email, displayName = "Tom Twice", role = "viewer" });
        using (var set = await system.Http.PostAsJsonAsync("/api/v1/account/password", new { email, token = added["setPasswordToken"]!.GetValue<string>(), password = Password }))
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);

        var again = await second.PostOkAsync("/api/v1/people", new { email, displayName = "Tom Twice", role = "viewer" });
        Assert.False(again["newAccount"]!.GetValue<bool>());
        Assert.Null(again["invitationUrl"]);
        Assert.Null(again["setPasswordToken"]);
        Assert.True(again["mailSent"]!.GetValue<bool>());
        var mail = await MailToAsync(email, $"You joined {second.Id}");
        Assert.DoesNotContain("invite=", mail["text"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync(email, Password, second.Id));
    }

    [Fact]
    public async Task A_password_reset_is_mailed_and_its_token_sets_a_new_password_once()
    {
        var tenant = await system.CreateTenantAsync("rst");
        var email = $"forgot-{Guid.NewGuid():N}"[..20] + "@example.com";
        var added = await tenant.PostOkAsync("/api/v1/people", new { email, displayName = "Fay Forgetful", role = "viewer" });
        using (var set = await system.Http.PostAsJsonAsync("/api/v1/account/password", new { email, token = added["setPasswordToken"]!.GetValue<string>(), password = Password }))
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);

        // Naming another organization mails nothing, and is answered the same.
        using (var elsewhere = await system.Http.PostAsJsonAsync("/api/v1/account/password-reset", new { email, organization = "no-such-org" }))
            Assert.Equal(HttpStatusCode.Accepted, elsewhere.StatusCode);
        using (var reset = await system.Http.PostAsJsonAsync("/api/v1/account/password-reset", new { email = email.ToUpperInvariant(), organization = tenant.Id }))
            Assert.Equal(HttpStatusCode.Accepted, reset.StatusCode);

        var mail = await MailToAsync(email, "Reset your Orleans.Align password");
        var (_, query) = LinkIn(mail);
        Assert.Equal(email, query["email"]);
        Assert.Equal(tenant.Id, query["org"]);
        using var http = new HttpClient { BaseAddress = system.MailCatcher };
        Assert.Single(await MailsToAsync(http, email), m => m["subject"]!.GetValue<string>().Contains("Reset", StringComparison.Ordinal));

        // A second request within the reset interval mails nothing more (and the first link still works).
        using (var twice = await system.Http.PostAsJsonAsync("/api/v1/account/password-reset", new { email }))
            Assert.Equal(HttpStatusCode.Accepted, twice.StatusCode);

        const string NewPassword = "a brand new long password";
        using (var set = await system.Http.PostAsJsonAsync("/api/v1/account/password", new { email, token = query["reset"], password = NewPassword }))
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync(email, Password, tenant.Id));
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync(email, NewPassword, tenant.Id));
        using (var reuse = await system.Http.PostAsJsonAsync("/api/v1/account/password", new { email, token = query["reset"], password = "yet another long password" }))
            Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);

        await Task.Delay(1000);
        Assert.Single(await MailsToAsync(http, email), m => m["subject"]!.GetValue<string>().Contains("Reset", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reset_for_an_unknown_address_answers_the_same_202_and_sends_no_mail()
    {
        var tenant = await system.CreateTenantAsync("rst");
        var unknown = $"nobody-{Guid.NewGuid():N}"[..20] + "@example.com";
        var known = $"somebody-{Guid.NewGuid():N}"[..20] + "@example.com";
        await tenant.PostOkAsync("/api/v1/people", new { email = known, displayName = "Sam Somebody", role = "viewer" });

        using var unknownReset = await system.Http.PostAsJsonAsync("/api/v1/account/password-reset", new { email = unknown });
        using var knownReset = await system.Http.PostAsJsonAsync("/api/v1/account/password-reset", new { email = known });
        Assert.Equal(HttpStatusCode.Accepted, unknownReset.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, knownReset.StatusCode);
        Assert.Equal(await unknownReset.Content.ReadAsStringAsync(), await knownReset.Content.ReadAsStringAsync());

        // Resets are handled in order: once the known address's mail is there, the unknown one was handled too.
        await MailToAsync(known, "Reset your Orleans.Align password");
        using var http = new HttpClient { BaseAddress = system.MailCatcher };
        Assert.Empty(await MailsToAsync(http, unknown));

        // A malformed request is refused as a problem; unknown fields too.
        using var bad = await system.Http.PostAsJsonAsync("/api/v1/account/password-reset", new { email = "not an email" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        using var extra = await system.Http.PostAsJsonAsync("/api/v1/account/password-reset", new { email = known, password = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, extra.StatusCode);
    }

    [Fact]
    public async Task An_admin_cannot_invite_into_another_organization_or_list_its_people()
    {
        var a = await system.CreateTenantAsync("inv");
        var b = await system.CreateTenantAsync("inv");
        var email = $"b-person-{Guid.NewGuid():N}"[..20] + "@example.com";
        await b.PostOkAsync("/api/v1/people", new { email, displayName = "B Person", role = "viewer" });

        // The organization is the key's: A's admin key adds to A, whatever the body says, and sees A's people only.
        using (var extra = await a.SendAsync(HttpMethod.Post, "/api/v1/people", new { email = "x@example.com", displayName = "X", role = "viewer", organization = b.Id }))
            Assert.Equal(HttpStatusCode.BadRequest, extra.StatusCode);
        var aPeople = (await a.GetOkAsync("/api/v1/people")).AsArray();
        Assert.DoesNotContain(aPeople, p => p!["email"]!.GetValue<string>() == email);
        using (var remove = await a.SendAsync(HttpMethod.Delete, $"/api/v1/people/{Uri.EscapeDataString(email)}"))
            Assert.Equal(HttpStatusCode.NotFound, remove.StatusCode);
        // A read key may not invite.
        var read = await a.CreateReadKeyAsync();
        using (var refused = await a.SendAsync(HttpMethod.Post, "/api/v1/people", new { email = "r@example.com", displayName = "R", role = "viewer" }, read))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Single((await b.GetOkAsync("/api/v1/people")).AsArray());
    }
}
