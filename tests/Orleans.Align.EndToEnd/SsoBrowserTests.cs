using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Single sign-on in a real browser (Chromium, headless) against the system's oidc-provider: the web
/// client's buttons lead to the provider's own sign-in form and back, signed in; a refusal comes back to
/// the sign-in page, which says why.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SsoBrowserTests(AlignSystem system)
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ChromiumArgs,
    });

    private async Task ConfigureAsync(Tenant tenant)
    {
        using var response = await tenant.SendAsync(HttpMethod.Put, "/api/v1/sso", new
        {
            issuer = system.OidcIssuer.ToString().TrimEnd('/'),
            clientId = AlignSystem.OidcClientId,
            clientSecret = AlignSystem.OidcClientSecret,
            allowedDomains = new[] { "allowed.example" },
        });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>On the provider's own (development) sign-in form: types the email and submits.</summary>
    private static async Task SignInAtProviderAsync(IPage page, Uri issuer, string email)
    {
        await page.WaitForURLAsync(url => url.StartsWith(issuer.ToString(), StringComparison.Ordinal), new() { Timeout = 15_000 });
        await page.FillAsync("input[name=login]", email);
        await page.FillAsync("input[name=password]", "any password");
        await page.ClickAsync("button[type=submit]");
    }

    [Fact]
    public async Task An_invitee_joins_through_single_sign_on_instead_of_a_password_and_sees_the_board()
    {
        var tenant = await system.CreateTenantAsync("wsso");
        var (campaign, goal) = await tenant.SeedLaunchAsync(target: 200);
        await ConfigureAsync(tenant);
        var email = $"ivy-{Guid.NewGuid():N}"[..12] + "@allowed.example";
        var added = await tenant.PostOkAsync("/api/v1/people", new { email, displayName = "Ivy Invitee", role = "viewer" });
        var token = added["setPasswordToken"]!.GetValue<string>();
        // The invitation mail says the organization signs in with single sign-on too.
        using (var catcher = new HttpClient { BaseAddress = system.MailCatcher })
        {
            string? text = null;
            for (var deadline = DateTime.UtcNow.AddSeconds(15); text is null && DateTime.UtcNow < deadline; await Task.Delay(text is null ? 200 : 0))
            {
                text = (await catcher.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/api/email"))!
                    .FirstOrDefault(m => m!["to"]![0]!["address"]!.GetValue<string>() == email)?["text"]?.GetValue<string>();
            }
            Assert.NotNull(text);
            Assert.Contains("single sign-on", text, StringComparison.Ordinal);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        // The invitation's link, as the mail carries it (with a board to come back to).
        await page.GotoAsync(new Uri(system.Gateway,
            $"/?board=campaign:{campaign}&invite={Uri.EscapeDataString(token)}&email={Uri.EscapeDataString(email)}&org={tenant.Id}").ToString());
        await Assertions.Expect(page.Locator("#set-password-form")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#set-password-sso")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await page.ClickAsync("#set-password-sso-button");

        await SignInAtProviderAsync(page, system.OidcIssuer, email);

        // Back on the board it came from, signed in as the invitee, live; the invitation's token is not in the address.
        var bar = page.Locator($"[data-goal-id=\"{goal}\"] [data-role=\"bar\"]");
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 20_000 });
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "0.0", new() { Timeout = 15_000 });
        Assert.StartsWith(system.Gateway.ToString(), page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(token, page.Url, StringComparison.Ordinal);
        // A signed-in person's war room is a page of the app: the board it came from is in the address as #/war-room/<board>.
        Assert.Contains($"#/war-room/campaign:{campaign}", Uri.UnescapeDataString(page.Url), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#sign-out")).ToBeVisibleAsync();
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "align.session" && c.HttpOnly);
        await tenant.PostEventsAsync(("sso1", 50));
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "25.0", new() { Timeout = 10_000 });
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "sso-signed-in.png") });
    }

    [Fact]
    public async Task The_sign_in_form_s_single_sign_on_says_why_a_disallowed_domain_is_refused()
    {
        var tenant = await system.CreateTenantAsync("wssx");
        await tenant.SeedLaunchAsync();
        await ConfigureAsync(tenant);
        var email = $"eve-{Guid.NewGuid():N}"[..12] + "@elsewhere.example";
        await tenant.PostOkAsync("/api/v1/people", new { email, displayName = "Eve", role = "viewer" });

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(system.Gateway, "/").ToString());
        await Assertions.Expect(page.Locator("#sign-in-form")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.FillAsync("#sign-in-org", tenant.Id);
        await page.ClickAsync("#sso-sign-in");

        await SignInAtProviderAsync(page, system.OidcIssuer, email);

        await Assertions.Expect(page.Locator("#sign-in-form")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("domain is not one of", new() { Timeout = 10_000 });
        Assert.DoesNotContain("ssoError", page.Url, StringComparison.Ordinal); // said once, then out of the address
        await Assertions.Expect(page.Locator("#sign-in-org")).ToHaveValueAsync(tenant.Id);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "align.session");
    }
}
