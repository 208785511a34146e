using Microsoft.Playwright;

namespace Orleans.Align.EndToEnd;

/// <summary>The app's frame in a real Chromium: a signed-in person moves between its pages and the war room by address and by keyboard.</summary>
[Collection(SystemCollection.Name)]
public sealed class AppShellBrowserTests(AlignSystem system)
{
    [Fact]
    public async Task A_signed_in_person_lands_on_home_reaches_the_war_room_and_leaves_it_by_the_navigation()
    {
        var tenant = await system.CreateTenantAsync("as");
        var (campaign, goal) = await tenant.SeedLaunchAsync();
        var email = await tenant.AddPersonAsync("lead", "marketing");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, email);

        // Home is where a person lands; the war room is one page of the app, its board live.
        await Assertions.Expect(page.Locator("[data-nav=home]")).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(page.Locator("#board")).ToBeHiddenAsync();
        await page.Locator("[data-nav=war-room]").ClickAsync();
        await Assertions.Expect(page.Locator("#board")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-nav=war-room]")).ToHaveAttributeAsync("aria-current", "page");

        // The board picker puts the board in the address, and a reload comes back to it.
        await page.SelectOptionAsync("#board-select", $"campaign:{campaign}");
        await Assertions.Expect(page.Locator($"[data-goal-id=\"{goal}\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.EndsWith($"#/war-room/campaign%3A{campaign}", page.Url);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator($"[data-goal-id=\"{goal}\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        // Keyboard alone: the navigation's links take focus in order and Enter follows them.
        await page.Locator("[data-nav=goals]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#board")).ToBeHiddenAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("[data-nav=goals]")).ToHaveAttributeAsync("aria-current", "page");
        // The page's heading takes focus, so a screen reader starts there.
        await Assertions.Expect(page.Locator("#app-main .page-header h2")).ToBeFocusedAsync();

        // An address that names no page says so, with a way home.
        await page.EvaluateAsync("() => { window.location.hash = '/no-such-page'; }");
        await Assertions.Expect(page.Locator("#app-main")).ToContainTextAsync("Page not found");
    }
}
