using System.Globalization;
using Microsoft.Playwright;

namespace Orleans.Align.EndToEnd;

/// <summary>The war room's TV mode, sparklines and replay in a real Chromium, against the real gateway and silo.</summary>
[Collection(SystemCollection.Name)]
public sealed class WarRoomTvReplayBrowserTests(AlignSystem system)
{
    [Theory]
    [InlineData(1366, 768)]
    [InlineData(3840, 2160)]
    public async Task TV_mode_fits_twelve_goals_on_one_screen_without_scrolling_from_a_board_link(int width, int height)
    {
        var tenant = await system.CreateTenantAsync("tv");
        await tenant.SeedLaunchAsync();
        for (var i = 1; i <= 11; i++)
        {
            await tenant.PostOkAsync("/api/v1/goals", new
            {
                id = $"goal-{i:00}",
                title = $"Shared goal number {i} with a title long enough to wrap on a small screen",
                metric = "leads",
                target = 100 * i,
                owners = new[] { i % 2 == 0 ? "marketing" : "sales", "pr" },
                start = DateTimeOffset.UtcNow.AddDays(-1),
                end = DateTimeOffset.UtcNow.AddDays(30),
            });
        }
        var link = (await tenant.PostOkAsync("/api/v1/board-links", new { name = "lobby tv", board = "overview" }))["link"]!.GetValue<string>();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway, $"/?board=overview&key={link}&tv=1").ToString());
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator(".goal[data-goal-id]")).ToHaveCountAsync(12, new() { Timeout = 15_000 });
        await tenant.PostEventsAsync(("tv1", 40));

        // No scrollbar, and every card whole inside the screen.
        var fits = await page.EvaluateAsync<bool>(@"() => {
            const d = document.documentElement;
            if (d.scrollHeight > window.innerHeight || d.scrollWidth > window.innerWidth) return false;
            return [...document.querySelectorAll('.goal[data-goal-id]')].every(c => {
                const r = c.getBoundingClientRect();
                return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth && r.height > 40;
            });
        }");
        await AppBrowser.ScreenshotAsync(page, $"tv-{width}x{height}", fullPage: false);
        Assert.True(fits, $"TV mode at {width}x{height}: a goal card is outside the screen or the page scrolls.");

        // Type scales with the screen: a 4K wall screen shows the same board larger.
        var font = await page.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.querySelector('.goal[data-goal-id] .goal-percent')).fontSize)");
        Assert.True(width > 3000 ? font >= 60 : font is >= 20 and < 60, $"the percent's type is {font}px at {width}x{height}");
        // The link reads its board only: no replay, no navigation.
        await Assertions.Expect(page.Locator("#replay-toggle")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task TV_mode_rotates_between_the_chosen_boards_and_money_follows_the_organizations_currency()
    {
        var tenant = await system.CreateTenantAsync("tr");
        await tenant.SeedLaunchAsync();
        await tenant.PostOkAsync("/api/v1/goals", new
        {
            id = "revenue", title = "Launch revenue", metric = "revenue", target = 5000, owners = new[] { "sales" },
            start = DateTimeOffset.UtcNow.AddDays(-1), end = DateTimeOffset.UtcNow.AddDays(30),
        });
        await tenant.PutOkAsync("/api/v1/settings", new { currency = "EUR", timeZone = "Europe/Berlin" });
        var email = await tenant.AddPersonAsync("viewer");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, email);
        await page.EvaluateAsync("() => { window.location.hash = '/war-room/overview?tv=1&boards=overview,campaign:launch&rotate=5'; }");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-tv", "on", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("nav.app-nav")).ToBeHiddenAsync();
        // Money on the board is in the organization's currency (its settings), not dollars.
        await Assertions.Expect(page.Locator("[data-goal-id=revenue]")).ToContainTextAsync("€", new() { Timeout = 15_000 });
        // Then the war room of the launch, and back to the overview: every five seconds.
        await Assertions.Expect(page.Locator("#board-title")).ToHaveTextAsync("Launch war room", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-goal-id=revenue]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-goal-id=revenue]")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        Assert.Contains("tv=1", page.Url);
    }

    [Fact]
    public async Task The_war_room_draws_a_sparkline_per_goal_and_replays_a_past_morning_then_returns_to_live()
    {
        var tenant = await system.CreateTenantAsync("rp");
        var (_, goal) = await tenant.SeedLaunchAsync();
        var email = await tenant.AddPersonAsync("lead", "marketing");
        // The morning: 20 leads three hours ago and 30 more two hours ago (the goal started yesterday), then the rest now.
        var now = DateTimeOffset.UtcNow;
        await tenant.PostOkAsync("/api/v1/events", new
        {
            events = new[]
            {
                new { id = "m1", metric = "leads", value = 20.0, timestamp = now.AddHours(-3), campaign = "launch", department = "marketing" },
                new { id = "m2", metric = "leads", value = 30.0, timestamp = now.AddHours(-2), campaign = "launch", department = "marketing" },
            },
        });

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = AppBrowser.Desktop, TimezoneId = "UTC" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway, $"/?org={tenant.Id}").ToString());
        await page.FillAsync("#sign-in-email", email);
        await page.FillAsync("#sign-in-password", PersonBrowser.Password);
        await page.ClickAsync("#sign-in-submit");
        await Assertions.Expect(page.Locator("nav.app-nav")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.EvaluateAsync("() => { window.location.hash = '/war-room/campaign:launch'; }");

        var card = page.Locator($"[data-goal-id=\"{goal}\"]");
        var bar = card.Locator("[data-role=\"bar\"]");
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "50.0", new() { Timeout = 15_000 });
        await tenant.PostEventsAsync(("now1", 25));
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "75.0", new() { Timeout = 10_000 });

        // A sparkline with the goal's history and the live points.
        var spark = card.Locator(".goal-spark");
        await Assertions.Expect(spark.Locator("canvas")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        var points = int.Parse(await spark.GetAttributeAsync("data-points") ?? "0", CultureInfo.InvariantCulture);
        Assert.True(points >= 2, $"the sparkline has {points} points");

        // Replay: the moment between the two morning events shows 20 of 100; live pushes meanwhile are held back.
        await page.ClickAsync("#replay-toggle");
        await Assertions.Expect(page.Locator("#replay-controls")).ToBeVisibleAsync();
        var between = now.AddHours(-2.5);
        await page.FillAsync("#replay-day", between.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.FillAsync("#replay-minute", (between.Hour * 60 + between.Minute).ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "20.0", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#replay-note")).ToContainTextAsync("Replaying");
        await tenant.PostEventsAsync(("now2", 5));
        // Keyboard: one arrow key is one minute later (still 20 here), Page Up ten minutes.
        await page.Locator("#replay-minute").FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "20.0", new() { Timeout = 5_000 });
        await AppBrowser.CheckAsync(page, "war-room-replay");

        // Back to live: the latest live state, including what arrived during the replay.
        await page.ClickAsync("#replay-live");
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "80.0", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#replay-controls")).ToBeHiddenAsync();
        await AppBrowser.CheckAsync(page, "war-room");
    }
}
