using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Orleans.Align.EndToEnd;

/// <summary>The war room in a real Chromium, against the real gateway and silo.</summary>
[Collection(SystemCollection.Name)]
public sealed class WarRoomBrowserTests(AlignSystem system)
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    [Fact]
    public async Task The_war_room_progress_bar_moves_when_events_are_posted()
    {
        var tenant = await system.CreateTenantAsync("w");
        var (campaign, goal) = await tenant.SeedLaunchAsync(target: 200);
        var readKey = await tenant.CreateReadKeyAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await OpenBoardAsync(browser, $"campaign:{campaign}", readKey);

        var card = page.Locator($"[data-goal-id=\"{goal}\"]");
        var bar = card.Locator("[data-role=\"bar\"]");
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "0.0", new() { Timeout = 15_000 });
        Assert.DoesNotContain(readKey, page.Url); // the key is taken out of the address bar

        await tenant.PostEventsAsync(("b1", 30), ("b2", 20));

        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "25.0", new() { Timeout = 10_000 });
        await Assertions.Expect(card.Locator("[data-role=\"value\"]")).ToHaveTextAsync("50", new() { Timeout = 5_000 });
        var fill = await card.Locator("[data-role=\"fill\"]").EvaluateAsync<string>("e => e.style.width");
        Assert.Equal(25.0, double.Parse(fill.TrimEnd('%'), CultureInfo.InvariantCulture), 1);

        // The shared feed reaches the war room live: a check-in and an announcement to another department.
        await tenant.PostOkAsync($"/api/v1/goals/{goal}/check-ins", new { department = "sales", confidence = 8, note = "Bundles are selling" });
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "pr", to = new[] { "sales" }, text = "Coverage lands Tuesday", campaign });
        await Assertions.Expect(page.Locator("#feed .feed-entry[data-kind=\"announcement\"]")).ToContainTextAsync("Coverage lands Tuesday", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#feed .feed-entry[data-kind=\"checkIn\"]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Assertions.Expect(card.Locator("[data-role=\"confidence\"]")).ToContainTextAsync("8/10", new() { Timeout = 10_000 });
        await Assertions.Expect(card.Locator("[data-role=\"status\"]")).ToHaveAttributeAsync("data-status", "onTrack", new() { Timeout = 5_000 });

        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        var file = Path.Combine(screenshots, "war-room.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        Assert.True(new FileInfo(file).Length > 0);
    }

    [Fact]
    public async Task The_war_room_shows_the_campaigns_activities_with_the_department_in_charge_and_results_against_target_live()
    {
        var tenant = await system.CreateTenantAsync("wa");
        var (campaign, goal) = await tenant.SeedLaunchAsync(target: 200);
        var now = DateTimeOffset.UtcNow;
        await tenant.PutOkAsync($"/api/v1/campaigns/{campaign}/activities/webinar", new
        {
            department = "marketing",
            name = "Webinar",
            metrics = new[] { "leads", "visits" },
            targets = new[] { new { metric = "leads", target = 100, start = now.AddDays(-1), end = now.AddDays(1) } },
        });
        var readKey = await tenant.CreateReadKeyAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await OpenBoardAsync(browser, $"campaign:{campaign}", readKey);

        var activity = page.Locator("#activities [data-activity-id=\"webinar\"]");
        var target = activity.Locator("[data-role=\"target\"][data-metric=\"leads\"]");
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });
        await Assertions.Expect(activity.Locator("[data-role=\"department\"]")).ToHaveTextAsync("MARKETING", new() { Timeout = 15_000 });
        await Assertions.Expect(target).ToHaveAttributeAsync("data-percent", "0.0", new() { Timeout = 10_000 });
        // Beside its goals.
        await Assertions.Expect(page.Locator($"[data-goal-id=\"{goal}\"]")).ToHaveCountAsync(1);

        await tenant.IngestAsync(new { id = "w1", metric = "leads", value = 50, campaign, department = "marketing", activity = "webinar", timestamp = now.AddHours(-1) });

        await Assertions.Expect(target).ToHaveAttributeAsync("data-percent", "50.0", new() { Timeout = 10_000 });
        await Assertions.Expect(target).ToHaveAttributeAsync("data-status", "onTrack");
        await Assertions.Expect(target.Locator("[data-role=\"value\"]")).ToHaveTextAsync("50 of 100");
        await Assertions.Expect(activity.Locator("[data-role=\"total\"][data-metric=\"visits\"]")).ToContainTextAsync("No data");
    }

    [Fact]
    public async Task A_department_board_shows_its_check_ins_due_the_rules_that_tell_it_and_their_alerts_live()
    {
        var tenant = await system.CreateTenantAsync("wd");
        var (campaign, goal) = await tenant.SeedLaunchAsync(target: 200);
        await tenant.PutOkAsync("/api/v1/settings", new { alertHoldMinutes = 0 });
        await tenant.PutOkAsync("/api/v1/departments/sales/check-in-cadence", new { everyDays = 7 });
        await tenant.PostOkAsync("/api/v1/rules", new
        {
            id = "coverage", name = "Coverage is landing", metric = "media_mentions", scope = new { campaign }, condition = "above",
            threshold = 10, windowMinutes = 60, notify = new[] { "sales" }, message = "expect inquiries",
        });
        await tenant.PostOkAsync("/api/v1/rules", new
        {
            id = "pr-only", name = "PR only", metric = "leads", condition = "above", threshold = 1_000, windowMinutes = 60, notify = new[] { "pr" },
        });
        var readKey = await tenant.CreateReadKeyAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await OpenBoardAsync(browser, "department:sales", readKey);
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });

        // Check-ins: the cadence, and the goal sales owns, due in a week and never checked in on.
        var card = page.Locator($"#checkins [data-goal-id=\"{goal}\"]");
        await Assertions.Expect(page.Locator("#checkins-cadence")).ToHaveTextAsync("Checks in every week", new() { Timeout = 15_000 });
        await Assertions.Expect(card).ToContainTextAsync("Never checked in");
        await Assertions.Expect(card.Locator("[data-role=\"due\"]")).ToHaveAttributeAsync("data-overdue", "false");
        await Assertions.Expect(card.Locator("[data-role=\"due\"]")).ToContainTextAsync("Next check-in due in 7 days");

        await tenant.PostOkAsync($"/api/v1/goals/{goal}/check-ins", new { department = "sales", confidence = 7, note = "Bundles are selling" });
        await Assertions.Expect(card).ToContainTextAsync("confidence 7/10", new() { Timeout = 10_000 });

        // Rules: only the one that tells sales, quiet until mentions in the campaign reach 10 in the hour.
        var rule = page.Locator("#rules [data-rule-id=\"coverage\"]");
        await Assertions.Expect(rule.Locator("[data-role=\"state\"]")).ToHaveTextAsync("Quiet", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#rules [data-rule-id=\"pr-only\"]")).ToHaveCountAsync(0);

        await tenant.IngestAsync(
            new { id = "m1", metric = "media_mentions", value = 12, campaign, department = "pr", timestamp = DateTimeOffset.UtcNow },
            new { id = "o1", metric = "orders", value = 3, campaign, department = "sales", timestamp = DateTimeOffset.UtcNow });

        // The scorecard's totals move live: sales' own orders, not PR's mentions.
        await Assertions.Expect(page.Locator("#scorecard-totals [data-metric=\"orders\"]")).ToContainTextAsync("3", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#scorecard-totals [data-metric=\"media_mentions\"]")).ToHaveCountAsync(0);

        // The rule's alert reaches the sales board's feed live (pushed); the panel shows it firing on its next read.
        await Assertions.Expect(page.Locator("#feed .feed-entry[data-kind=\"alert\"]")).ToContainTextAsync("expect inquiries", new() { Timeout = 15_000 });
        await Assertions.Expect(rule.Locator("[data-role=\"state\"]")).ToHaveTextAsync("Firing", new() { Timeout = 25_000 });
        await Assertions.Expect(rule.Locator("[data-role=\"values\"]")).ToContainTextAsync("12 now");
    }

    [Fact]
    public async Task A_person_signs_in_with_the_form_reaches_the_war_room_live_and_signs_out()
    {
        var tenant = await system.CreateTenantAsync("ws");
        var (campaign, goal) = await tenant.SeedLaunchAsync(target: 200);
        var email = $"lead-{Guid.NewGuid():N}@example.com";
        const string password = "the lead's own password";
        var added = await tenant.PostOkAsync("/api/v1/people", new { email, displayName = "Lee Lead", role = "lead", departments = new[] { "marketing" } });
        using (var set = await system.Http.PostAsJsonAsync("/api/v1/account/password", new { email, token = added["setPasswordToken"]!.GetValue<string>(), password }))
            Assert.Equal(System.Net.HttpStatusCode.NoContent, set.StatusCode);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(new Uri(system.Gateway, $"/?board=campaign:{campaign}&org={tenant.Id}").ToString());

        // A wrong password is refused on the form.
        await Assertions.Expect(page.Locator("#sign-in-form")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#sign-in-org")).ToHaveValueAsync(tenant.Id);
        await page.FillAsync("#sign-in-email", email);
        await page.FillAsync("#sign-in-password", "not the password");
        await page.ClickAsync("#sign-in-submit");
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("not right", new() { Timeout = 10_000 });
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "sign-in.png") });

        await page.FillAsync("#sign-in-password", password);
        await page.ClickAsync("#sign-in-submit");

        var card = page.Locator($"[data-goal-id=\"{goal}\"]");
        var bar = card.Locator("[data-role=\"bar\"]");
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "0.0", new() { Timeout = 15_000 });
        await tenant.PostEventsAsync(("s1", 50));
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "25.0", new() { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "signed-in-war-room.png") });
        var cookies = await page.Context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "align.session" && c.HttpOnly);

        // A reload keeps the session (the cookie), and signing out ends it.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });
        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.Locator("#sign-in-form")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#sign-in-form")).ToBeVisibleAsync(new() { Timeout = 10_000 });
    }

    [Fact]
    public async Task An_invitee_opens_the_mailed_link_sets_a_password_signs_in_and_can_ask_for_a_reset()
    {
        var tenant = await system.CreateTenantAsync("wi");
        var (campaign, _) = await tenant.SeedLaunchAsync();
        var email = $"invited-{Guid.NewGuid():N}"[..24] + "@example.com";
        const string password = "the invitee's own password";
        await tenant.PostOkAsync("/api/v1/people", new { email, displayName = "Ivy Invitee", role = "viewer" });
        var text = await MailTextAsync(email, "You are invited");
        var link = System.Text.RegularExpressions.Regex.Match(text, @"https?://\S+").Value;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(link + $"&board=campaign:{campaign}");
        await Assertions.Expect(page.Locator("#set-password-form")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#set-password-hint")).ToContainTextAsync(email);
        await page.FillAsync("#set-password-input", password);
        await page.ClickAsync("#set-password-submit");

        // The token is spent and leaves the address bar; sign-in is offered with the email and organization filled in.
        await Assertions.Expect(page.Locator("#sign-in-form")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        Assert.DoesNotContain("invite=", page.Url);
        await Assertions.Expect(page.Locator("#sign-in-email")).ToHaveValueAsync(email);
        await Assertions.Expect(page.Locator("#sign-in-org")).ToHaveValueAsync(tenant.Id);
        await page.FillAsync("#sign-in-password", password);
        await page.ClickAsync("#sign-in-submit");
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });

        // Signed out, "Forgot your password?" mails a reset link.
        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.Locator("#sign-in-form")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await page.FillAsync("#sign-in-email", email);
        await page.ClickAsync("#forgot-password");
        await Assertions.Expect(page.Locator("#sign-in-note")).ToContainTextAsync("on its way", new() { Timeout = 10_000 });
        Assert.Contains("reset=", await MailTextAsync(email, "Reset your Orleans.Align password"));
    }

    /// <summary>The text of the mail to this address with this subject, from the system's maildev.</summary>
    private async Task<string> MailTextAsync(string email, string subject)
    {
        using var http = new HttpClient { BaseAddress = system.MailCatcher };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var mails = (await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/api/email"))!;
            var mail = mails.FirstOrDefault(m => m!["subject"]!.GetValue<string>().Contains(subject, StringComparison.Ordinal)
                && m["to"]!.AsArray().Any(t => string.Equals(t!["address"]!.GetValue<string>(), email, StringComparison.OrdinalIgnoreCase)));
            if (mail is not null) return mail["text"]!.GetValue<string>();
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No mail '{subject}' to {email}.");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_wall_screen_link_opens_its_war_room_live_without_a_board_picker_survives_a_restart_and_stops_when_revoked()
    {
        var tenant = await system.CreateTenantAsync("w");
        var (campaign, goal) = await tenant.SeedLaunchAsync(target: 100);
        var created = await tenant.PostOkAsync("/api/v1/board-links", new { name = "lobby screen", board = $"campaign:{campaign}" });
        var url = created["url"]!.GetValue<string>();
        var link = created["link"]!.GetValue<string>();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        // One context is one kiosk profile: what it keeps in local storage outlives its pages.
        await using var kiosk = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await kiosk.NewPageAsync();
        await page.GotoAsync(url);

        var bar = page.Locator($"[data-goal-id=\"{goal}\"] [data-role=\"bar\"]");
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#board-title")).ToHaveTextAsync("Launch war room", new() { Timeout = 15_000 });
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "0.0", new() { Timeout = 15_000 });
        Assert.DoesNotContain(link, page.Url);
        // Only its board: no picker, and nothing it may not read was asked for (no error shown).
        await Assertions.Expect(page.Locator("#board-select")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#error")).ToBeHiddenAsync();

        await tenant.PostEventsAsync(("wl1", 30));
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "30.0", new() { Timeout = 10_000 });

        // The kiosk restarts and comes back on its home page, the link no longer in any address.
        await page.CloseAsync();
        var again = await kiosk.NewPageAsync();
        await again.GotoAsync(new Uri(system.Gateway, "/").ToString());
        await Assertions.Expect(again.Locator("#board-title")).ToHaveTextAsync("Launch war room", new() { Timeout = 15_000 });
        await Assertions.Expect(again.Locator($"[data-goal-id=\"{goal}\"] [data-role=\"bar\"]")).ToHaveAttributeAsync("data-percent", "30.0", new() { Timeout = 15_000 });

        // Revoked: the screen drops the link and asks for a key.
        using var revoke = await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/board-links/{created["id"]!.GetValue<string>()}");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, revoke.StatusCode);
        await Assertions.Expect(again.Locator("#key-form")).ToBeVisibleAsync(new() { Timeout = 15_000 });
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ChromiumArgs,
    });

    private async Task<IPage> OpenBoardAsync(IBrowser browser, string boardId, string readKey)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(new Uri(system.Gateway, $"/?board={boardId}&key={readKey}").ToString());
        return page;
    }
}
