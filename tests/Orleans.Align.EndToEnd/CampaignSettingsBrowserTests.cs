using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The campaign pages and the admins' settings in a real Chromium against the real gateway and silo:
/// planning a campaign (its refusal beside the field), its page moving live with events, who may change
/// an activity; people, keys, board links, single sign-on and thresholds; and what a non-admin sees.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CampaignSettingsBrowserTests(AlignSystem system)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Shown = new() { Timeout = 15_000 };

    private static string WallTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm");

    [Fact]
    public async Task An_admin_plans_a_campaign_its_page_moves_live_and_only_a_lead_of_the_department_in_charge_changes_an_activity()
    {
        var tenant = await system.CreateTenantAsync("cp");
        await tenant.SeedLaunchAsync();
        var admin = await tenant.AddPersonAsync("admin");
        var prLead = await tenant.AddPersonAsync("lead", "pr");
        var salesMember = await tenant.AddPersonAsync("member", "sales");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, admin);

        // The list: the seeded campaign with its departments, a link to it, and planning for admins.
        await AppBrowser.GoAsync(page, "#/campaigns");
        var launchRow = page.Locator("#campaign-list tr[data-campaign-id=launch]");
        await Assertions.Expect(launchRow).ToContainTextAsync("MARKETING, PR, SALES", new() { Timeout = 15_000 });
        await Assertions.Expect(launchRow.GetByRole(AriaRole.Link, new() { Name = "Launch" })).ToHaveAttributeAsync("href", "#/campaigns/launch");
        await AppBrowser.CheckAsync(page, "campaigns-list");

        await page.Locator("[data-action=plan-campaign]").ClickAsync();
        await Assertions.Expect(page.Locator("#app-main .page-header h2")).ToHaveTextAsync("Plan a campaign");

        // Two departments, an activity each with a target; the first target is below its baseline.
        await page.FillAsync("#field-id", "spring");
        await page.FillAsync("#field-name", "Spring launch");
        await page.CheckAsync("#group-departments input[value=marketing]");
        await page.CheckAsync("#group-departments input[value=pr]");
        await page.FillAsync("#field-launch-start", WallTime(DateTimeOffset.UtcNow.AddDays(-1)));
        await page.FillAsync("#field-launch-end", WallTime(DateTimeOffset.UtcNow.AddDays(10)));

        await page.ClickAsync("#add-activity");
        var webinar = page.Locator("[data-activity-prefix='activities[0]']");
        await webinar.Locator("#field-activities-0--id").FillAsync("webinar");
        await webinar.Locator("#field-activities-0--name").FillAsync("Webinar");
        await webinar.Locator("#field-activities-0--department").SelectOptionAsync("marketing");
        await webinar.Locator("input[type=checkbox][value=leads]").CheckAsync();
        var webinarTarget = webinar.Locator("[data-target-metric=leads]").GetByLabel("Target for Leads", new() { Exact = true });
        await webinarTarget.FillAsync("-5");

        await page.ClickAsync("#add-activity");
        var press = page.Locator("[data-activity-prefix='activities[1]']");
        await press.Locator("#field-activities-1--id").FillAsync("press-tour");
        await press.Locator("#field-activities-1--name").FillAsync("Press tour");
        await press.Locator("#field-activities-1--department").SelectOptionAsync("pr");
        await press.Locator("input[type=checkbox][value=media_mentions]").CheckAsync();
        await press.Locator("[data-target-metric=media_mentions]").GetByLabel("Target for Media mentions", new() { Exact = true }).FillAsync("10");

        await page.ClickAsync("#plan-campaign-submit");
        var targetError = page.Locator("[data-error-for='activities[0].targets[0].target']");
        await Assertions.Expect(targetError).ToContainTextAsync("must be above the baseline", new() { Timeout = 15_000 });
        // Beside the field it concerns, which says it is invalid; nothing was created.
        await Assertions.Expect(webinarTarget).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Contains("#/campaigns/new", page.Url);
        Assert.DoesNotContain((await tenant.GetOkAsync("/api/v1/campaigns")).AsArray(), c => c!["id"]!.GetValue<string>() == "spring");
        await AppBrowser.CheckAsync(page, "campaign-plan-errors");

        await webinarTarget.FillAsync("100");
        await page.ClickAsync("#plan-campaign-submit");
        await Assertions.Expect(page.Locator("#app-main .page-header h2")).ToHaveTextAsync("Spring launch", new() { Timeout = 15_000 });
        Assert.EndsWith("#/campaigns/spring", page.Url);
        var webinarCard = page.Locator("[data-activity-id=webinar]");
        var pressCard = page.Locator("[data-activity-id=press-tour]");
        await Assertions.Expect(webinarCard.Locator("[data-in-charge]")).ToHaveTextAsync("MARKETING");
        await Assertions.Expect(pressCard.Locator("[data-in-charge]")).ToHaveTextAsync("PR");
        await Assertions.Expect(webinarCard.Locator("[data-target-metric=leads]")).ToContainTextAsync("100");
        await Assertions.Expect(page.Locator("#campaign-war-room")).ToHaveAttributeAsync("href", "#/war-room/campaign%3Aspring");
        await Assertions.Expect(page.Locator(".live-state")).ToHaveAttributeAsync("data-live", "connected", new() { Timeout = 15_000 });
        await AppBrowser.CheckAsync(page, "campaign-page");

        // Events posted through the API move the activity's result on the open page, without a reload.
        await tenant.PostOkAsync("/api/v1/events", new
        {
            events = new[]
            {
                new { id = "sp-1", metric = "leads", value = 30.0, campaign = "spring", department = "marketing", activity = "webinar", timestamp = DateTimeOffset.UtcNow.AddMinutes(-5) },
                new { id = "sp-2", metric = "leads", value = 12.0, campaign = "spring", department = "marketing", activity = "webinar", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1) },
            },
        });
        await Assertions.Expect(webinarCard.Locator("[data-target-metric=leads] td[data-value]")).ToHaveAttributeAsync("data-value", "42", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#campaign-events")).ToHaveTextAsync("2");

        // The lead of PR changes the activity PR is in charge of, and not marketing's.
        var lead = await AppBrowser.SignInAsync(browser, tenant, prLead);
        await AppBrowser.GoAsync(lead, "#/campaigns/spring");
        var leadPress = lead.Locator("[data-activity-id=press-tour]");
        await Assertions.Expect(leadPress.Locator("[data-action=edit-activity]")).ToBeVisibleAsync(Shown);
        await Assertions.Expect(lead.Locator("[data-activity-id=webinar] [data-action=edit-activity]")).ToHaveCountAsync(0);
        await leadPress.Locator("[data-action=edit-activity]").ClickAsync();
        await lead.FillAsync("#field-activity-name", "Press tour and podcast");
        await lead.Locator("[data-target-metric=media_mentions]").GetByLabel("Target for Media mentions", new() { Exact = true }).FillAsync("12");
        await AppBrowser.CheckAsync(lead, "campaign-activity-edit");
        await lead.ClickAsync("#activity-save");
        await Assertions.Expect(lead.Locator("#activity-form")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await Assertions.Expect(leadPress.Locator("#activity-press-tour-name")).ToHaveTextAsync("Press tour and podcast", new() { Timeout = 15_000 });
        await Assertions.Expect(leadPress.Locator("[data-target-metric=media_mentions]")).ToContainTextAsync("12");
        // The admin's open page shows the change too.
        await Assertions.Expect(pressCard.Locator("#activity-press-tour-name")).ToHaveTextAsync("Press tour and podcast", new() { Timeout = 10_000 });

        // The lead adds an activity for PR, the only department it may put in charge.
        await lead.ClickAsync("#add-campaign-activity");
        await Assertions.Expect(lead.Locator("#field-activity-department option:not([value=''])")).ToHaveTextAsync(["PR"]);
        await lead.FillAsync("#field-activityId", "podcast");
        await lead.FillAsync("#field-activity-name", "Podcast");
        await lead.Locator("#activity-form input[type=checkbox][value=engagements]").CheckAsync();
        await lead.ClickAsync("#activity-save");
        await Assertions.Expect(lead.Locator("#activity-form")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await Assertions.Expect(lead.Locator("#activity-podcast-name")).ToHaveTextAsync("Podcast");
        await Assertions.Expect(lead.Locator("[data-activity-id=podcast] [data-in-charge]")).ToHaveTextAsync("PR");
        await Assertions.Expect(page.Locator("#activity-podcast-name")).ToHaveTextAsync("Podcast", new() { Timeout = 10_000 });

        // The admin changes the campaign's name by keyboard alone; its departments and launch window stay as they were
        // (the PUT takes the whole definition: the form sends them back).
        await page.Locator("#edit-campaign").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#campaign-edit-form #field-name").FillAsync("Spring launch 2027");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#app-main .page-header h2")).ToHaveTextAsync("Spring launch 2027", new() { Timeout = 15_000 });
        await Assertions.Expect(lead.Locator("#app-main .page-header h2")).ToHaveTextAsync("Spring launch 2027", new() { Timeout = 10_000 });
        var changed = await tenant.GetOkAsync("/api/v1/campaigns/spring");
        Assert.Equal(["marketing", "pr"], changed["departments"]!.AsArray().Select(d => d!.GetValue<string>()).Order().ToArray());
        Assert.NotNull(changed["launchStart"]);

        // Archived, it leaves the list (and says so on its page); shown again among the archived, restored.
        await page.ClickAsync("#archive-campaign");
        await Assertions.Expect(page.Locator("#campaign-archived")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await AppBrowser.GoAsync(page, "#/campaigns");
        await Assertions.Expect(page.Locator("#campaign-list tr[data-campaign-id=spring]")).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await page.CheckAsync("#show-archived-campaigns");
        await Assertions.Expect(page.Locator("#campaign-list tr[data-campaign-id=spring]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await AppBrowser.GoAsync(page, "#/campaigns/spring");
        await page.ClickAsync("#restore-campaign");
        await Assertions.Expect(page.Locator("#campaign-archived")).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        Assert.Contains((await tenant.GetOkAsync("/api/v1/campaigns")).AsArray(), c => c!["id"]!.GetValue<string>() == "spring");

        // A member of sales, a department not in charge of anything here, is offered no change, and the API refuses one.
        var member = await AppBrowser.SignInAsync(browser, tenant, salesMember);
        await AppBrowser.GoAsync(member, "#/campaigns/spring");
        await Assertions.Expect(member.Locator("#activity-press-tour-name")).ToHaveTextAsync("Press tour and podcast", new() { Timeout = 15_000 });
        await Assertions.Expect(member.Locator("[data-action=edit-activity]")).ToHaveCountAsync(0);
        await Assertions.Expect(member.Locator("#add-campaign-activity")).ToHaveCountAsync(0);
        await Assertions.Expect(member.Locator("#edit-campaign")).ToHaveCountAsync(0);
        await Assertions.Expect(member.Locator("#archive-campaign")).ToHaveCountAsync(0);
        using var memberApi = await tenant.SignInAsync(salesMember);
        Assert.Equal(HttpStatusCode.Forbidden, await memberApi.StatusAsync(HttpMethod.Put, "/api/v1/campaigns/spring/activities/press-tour",
            new { department = "pr", name = "Hijacked", metrics = new[] { "media_mentions" } }));
        await AppBrowser.CheckAsync(member, "campaign-page-member");
        await AppBrowser.GoAsync(member, "#/campaigns");
        await Assertions.Expect(member.Locator("#campaign-list tr[data-campaign-id=spring]")).ToContainTextAsync("MARKETING, PR", new() { Timeout = 15_000 });
        await Assertions.Expect(member.Locator("[data-action=plan-campaign]")).ToHaveCountAsync(0);
        await AppBrowser.GoAsync(member, "#/campaigns/new");
        await Assertions.Expect(member.Locator("#plan-campaign-form")).ToHaveCountAsync(0);
        await Assertions.Expect(member.Locator("#app-main")).ToContainTextAsync("Admins and leads plan campaigns");
    }

    [Fact]
    public async Task An_admin_invites_changes_roles_manages_keys_links_sign_on_and_thresholds_and_a_non_admin_sees_admins_only()
    {
        var tenant = await system.CreateTenantAsync("st");
        await tenant.SeedLaunchAsync();
        var admin = await tenant.AddPersonAsync("admin");
        var memberEmail = await tenant.AddPersonAsync("member", "marketing");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, admin);
        await page.Locator("[data-nav=settings]").ClickAsync();
        await Assertions.Expect(page.Locator("#app-main .page-header h2")).ToHaveTextAsync("Settings");
        await Assertions.Expect(page.Locator($"#people-table tr[data-person='{admin}']")).ToBeVisibleAsync(Shown);
        await AppBrowser.CheckAsync(page, "settings-people");

        // Invite: the server mails the invitation.
        var invitee = $"inv-{Guid.NewGuid():N}"[..16] + "@example.com";
        await page.FillAsync("#invite-email", invitee);
        await page.FillAsync("#invite-name", "Ivy Invited");
        await page.SelectOptionAsync("#invite-role", "member");
        await page.CheckAsync("#invite-departments input[value=pr]");
        await page.ClickAsync("#invite-submit");
        await Assertions.Expect(page.Locator("#invite-result")).ToContainTextAsync($"Invitation mailed to {invitee}", new() { Timeout = 15_000 });
        var mail = await MailToAsync(invitee, "You are invited");
        Assert.Contains(tenant.Id, mail["subject"]!.GetValue<string>());
        var row = page.Locator($"#people-table tr[data-person='{invitee}']");
        await Assertions.Expect(row.Locator("[data-role]")).ToHaveAttributeAsync("data-role", "member", new() { Timeout = 15_000 });

        // A bad email is refused beside the field.
        await page.FillAsync("#invite-email", "not-an-email");
        await page.FillAsync("#invite-name", "Nobody");
        await page.ClickAsync("#invite-submit");
        await Assertions.Expect(page.Locator("[data-error-for=email]")).ToBeVisibleAsync(Shown);
        await AppBrowser.CheckAsync(page, "settings-people-errors");

        // Change the role and departments.
        await row.Locator("[data-action=change-person]").ClickAsync();
        await page.SelectOptionAsync("#person-role", "lead");
        await page.CheckAsync("#person-departments input[value=sales]");
        await page.Locator("#change-person-form button[type=submit]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-role]")).ToHaveAttributeAsync("data-role", "lead", new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToContainTextAsync("PR, SALES");
        var people = (await tenant.GetOkAsync("/api/v1/people")).AsArray();
        var changed = people.Single(p => p!["email"]!.GetValue<string>() == invitee)!;
        Assert.Equal("lead", changed["role"]!.GetValue<string>());

        // The last admin cannot step down: the refusal is shown where the change was made.
        await page.Locator($"#people-table tr[data-person='{admin}'] [data-action=change-person]").ClickAsync();
        await page.SelectOptionAsync("#person-role", "viewer");
        await page.Locator("#change-person-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#change-person-form .problem")).ToContainTextAsync("last admin", new() { Timeout = 15_000 });
        await page.Locator("#change-person-form").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // Removing asks once more, then the person is gone.
        await row.Locator("[data-action=remove-person]").ClickAsync();
        await row.Locator("[data-action=confirm-remove]").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        Assert.DoesNotContain((await tenant.GetOkAsync("/api/v1/people")).AsArray(), p => p!["email"]!.GetValue<string>() == invitee);

        // API keys: created with a scope, shown once, working until revoked.
        await page.Locator("#settings-keys > summary").ClickAsync();
        await page.FillAsync("#key-name", "Wall reader");
        await page.ClickAsync("#key-form button#key-submit");
        await Assertions.Expect(page.Locator("#key-created")).ToBeVisibleAsync(Shown);
        var apiKey = await page.InputValueAsync("#new-api-key");
        await page.Locator("[data-copy-for=new-api-key]").ClickAsync();
        await Assertions.Expect(page.Locator("#key-created [role=status]").Last).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Copied|Selected"));
        Assert.False(string.IsNullOrWhiteSpace(apiKey));
        using (var read = await tenant.SendAsync(HttpMethod.Get, "/api/v1/campaigns", key: apiKey)) Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await AppBrowser.CheckAsync(page, "settings-keys");
        var keyRow = page.Locator("#keys-table tr[data-key-name='Wall reader']");
        await keyRow.Locator("[data-action=revoke-key]").ClickAsync();
        await Assertions.Expect(keyRow.Locator("[data-state=revoked]")).ToBeVisibleAsync(Shown);
        await RefusedSoonAsync(tenant, "/api/v1/campaigns", apiKey);

        // Board links: for one board with a lifetime, shown once, working until revoked.
        await page.Locator("#settings-links > summary").ClickAsync();
        await page.FillAsync("#link-name", "Lobby screen");
        await page.SelectOptionAsync("#link-board", "campaign:launch");
        await page.SelectOptionAsync("#link-lifetime", "7");
        await page.ClickAsync("#link-submit");
        await Assertions.Expect(page.Locator("#link-created")).ToBeVisibleAsync(Shown);
        var url = await page.InputValueAsync("#new-board-link");
        var link = Uri.UnescapeDataString(url[(url.IndexOf("key=", StringComparison.Ordinal) + 4)..]);
        using (var board = await tenant.SendAsync(HttpMethod.Get, "/api/v1/boards/campaign:launch", key: link)) Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        var links = (await tenant.GetOkAsync("/api/v1/board-links")).AsArray();
        var expires = links.Single(l => l!["name"]!.GetValue<string>() == "Lobby screen")!["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(6.9), DateTimeOffset.UtcNow.AddDays(7.1));
        await AppBrowser.CheckAsync(page, "settings-links");
        var linkRow = page.Locator("#links-table tr[data-link-name='Lobby screen']");
        await linkRow.Locator("[data-action=revoke-link]").ClickAsync();
        await Assertions.Expect(linkRow.Locator("[data-state=revoked]")).ToBeVisibleAsync(Shown);
        await RefusedSoonAsync(tenant, "/api/v1/boards/campaign:launch", link);

        // Single sign-on: set up against the test's OpenID provider; the secret is never shown back.
        await page.Locator("#settings-sso > summary").ClickAsync();
        await Assertions.Expect(page.Locator("#sso-state")).ToContainTextAsync("not set up", new() { Timeout = 15_000 });
        await page.FillAsync("#field-issuer", system.OidcIssuer.ToString().TrimEnd('/'));
        await page.FillAsync("#field-clientId", AlignSystem.OidcClientId);
        await page.FillAsync("#field-clientSecret", AlignSystem.OidcClientSecret);
        await page.FillAsync("#field-allowedDomains", "sso.example");
        await page.Locator("#sso-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#sso-state")).ToContainTextAsync("sso.example", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#field-clientSecret")).ToHaveValueAsync("");
        Assert.True((await tenant.GetOkAsync("/api/v1/sso"))["clientSecretSet"]!.GetValue<bool>());
        await AppBrowser.CheckAsync(page, "settings-sso");

        // Thresholds: a bad value is refused beside its field; a good one is saved.
        // Sections open by keyboard: Tab to the summary, Enter.
        await page.Locator("#settings-thresholds > summary").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.FillAsync("#field-onTrackRatio", "1.5");
        await page.ClickAsync("#thresholds-submit");
        await Assertions.Expect(page.Locator("[data-error-for=onTrackRatio]")).ToContainTextAsync("must be in (0, 1]", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#field-onTrackRatio")).ToHaveAttributeAsync("aria-invalid", "true");
        await AppBrowser.CheckAsync(page, "settings-thresholds-errors");
        await page.FillAsync("#field-onTrackRatio", "0.8");
        await page.ClickAsync("#thresholds-submit");
        await Assertions.Expect(page.Locator("#thresholds-saved")).ToBeVisibleAsync(Shown);
        Assert.Equal(0.8, (await tenant.GetOkAsync("/api/v1/settings"))["onTrackRatio"]!.GetValue<double>());

        // A non-admin has no Settings entry, and the address says settings are for admins.
        var member = await AppBrowser.SignInAsync(browser, tenant, memberEmail);
        await Assertions.Expect(member.Locator("[data-nav=settings]")).ToHaveCountAsync(0);
        await AppBrowser.GoAsync(member, "#/settings");
        await Assertions.Expect(member.Locator("#admins-only")).ToContainTextAsync("admins only");
        await Assertions.Expect(member.Locator("#people-table")).ToHaveCountAsync(0);
        await AppBrowser.CheckAsync(member, "settings-admins-only");
    }

    /// <summary>A revoked credential is refused within the revocation deadline (gateways cache a key's check briefly).</summary>
    private static async Task RefusedSoonAsync(Tenant tenant, string path, string key)
    {
        var deadline = DateTime.UtcNow + Deadlines.RevocationTakesEffect;
        while (true)
        {
            using var response = await tenant.SendAsync(HttpMethod.Get, path, key: key);
            if (response.StatusCode == HttpStatusCode.Unauthorized) return;
            Assert.True(DateTime.UtcNow < deadline, $"GET {path} with a revoked credential still answers {(int)response.StatusCode}.");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits for the mail to this address whose subject contains the text (maildev's REST API).</summary>
    private async Task<JsonNode> MailToAsync(string email, string subject)
    {
        using var http = new HttpClient { BaseAddress = system.MailCatcher };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var all = (await http.GetFromJsonAsync<JsonArray>("/api/email"))!.OfType<JsonNode>()
                .Where(m => m["to"]!.AsArray().Any(t => string.Equals(t!["address"]!.GetValue<string>(), email, StringComparison.OrdinalIgnoreCase)));
            if (all.FirstOrDefault(m => m["subject"]!.GetValue<string>().Contains(subject, StringComparison.Ordinal)) is { } mail) return mail;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No mail '{subject}' to {email} in maildev.");
            await Task.Delay(200);
        }
    }
}
