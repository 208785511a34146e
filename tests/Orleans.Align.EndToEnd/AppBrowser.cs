using System.Text.Json;
using Microsoft.Playwright;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The collaboration app in a real Chromium: signing a person in through the form, checking a page
/// with axe-core (no serious or critical violations) and keeping a screenshot of it. Shared by the
/// app's browser tests so every page is checked the same way.
/// </summary>
internal static class AppBrowser
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    public static readonly ViewportSize Desktop = new() { Width = 1366, Height = 900 };

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ChromiumArgs,
    });

    /// <summary>A new browser context (its own cookies: one person) signed in through the form; the page is on the app's home.</summary>
    public static async Task<IPage> SignInAsync(IBrowser browser, Tenant tenant, string email, string password = PersonBrowser.Password, ViewportSize? viewport = null)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport ?? Desktop });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(tenant.System.Gateway, $"/?org={tenant.Id}").ToString());
        await Assertions.Expect(page.Locator("#sign-in-form")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.FillAsync("#sign-in-email", email);
        await page.FillAsync("#sign-in-password", password);
        await page.ClickAsync("#sign-in-submit");
        await Assertions.Expect(page.Locator("nav.app-nav")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        return page;
    }

    /// <summary>Goes to an app address (#/goals/q3) and waits for its heading.</summary>
    public static async Task GoAsync(IPage page, string hash)
    {
        await page.EvaluateAsync("h => { window.location.hash = h; }", hash.TrimStart('#'));
        await Assertions.Expect(page.Locator("#app-main .page-header h2")).ToBeVisibleAsync(new() { Timeout = 15_000 });
    }

    /// <summary>
    /// Runs axe-core (web-client/node_modules/axe-core, WCAG 2.0/2.1 A and AA rules) on the page as it is
    /// and fails with every serious or critical violation; then keeps a screenshot under screenshots/app/.
    /// </summary>
    public static async Task CheckAsync(IPage page, string name)
    {
        // axe judges the page at rest: a card's change flash (1.6 s) passes through lighter backgrounds.
        await page.WaitForFunctionAsync(
            "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)",
            null, new PageWaitForFunctionOptions { Timeout = 10_000 });
        if (await page.EvaluateAsync<bool>("() => typeof window.axe === 'undefined'"))
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = AxePath });
        var json = await page.EvaluateAsync<string>(
            "async () => JSON.stringify((await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })).violations)");
        using var doc = JsonDocument.Parse(json);
        var serious = doc.RootElement.EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("help").GetString()} at " +
                         string.Join(", ", v.GetProperty("nodes").EnumerateArray().Take(3).Select(n => n.GetProperty("target").ToString())))
            .ToList();
        await ScreenshotAsync(page, name);
        Assert.True(serious.Count == 0, $"axe-core on '{name}': {string.Join(" | ", serious)}");
    }

    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots", "app");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, $"{name}.png"), FullPage = fullPage });
    }

    private static string AxePath
    {
        get
        {
            var path = Path.Combine(RepositoryRoot, "web-client", "node_modules", "axe-core", "axe.min.js");
            if (!File.Exists(path)) throw new InvalidOperationException($"{path} is missing: run ./setup.sh (npm ci in web-client).");
            return path;
        }
    }

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Orleans.Align.sln"))) return dir.FullName;
            throw new InvalidOperationException("Orleans.Align.sln not found above the test's directory.");
        }
    }
}
