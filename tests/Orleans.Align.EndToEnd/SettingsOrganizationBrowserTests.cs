using Microsoft.Playwright;

namespace Orleans.Align.EndToEnd;

/// <summary>An admin sets the organization's currency and time zone and manages its departments in the settings, in a real Chromium.</summary>
[Collection(SystemCollection.Name)]
public sealed class SettingsOrganizationBrowserTests(AlignSystem system)
{
    [Fact]
    public async Task An_admin_sets_currency_and_time_zone_and_adds_renames_archives_and_restores_a_department()
    {
        var tenant = await system.CreateTenantAsync("so");
        await tenant.SeedLaunchAsync();
        var admin = await tenant.AddPersonAsync("admin");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, admin);
        await AppBrowser.GoAsync(page, "#/settings?section=organization");

        // A currency the API does not know: its message beside the field, nothing saved.
        await page.FillAsync("#field-currency", "XQQ");
        await page.ClickAsync("#organization-submit");
        await Assertions.Expect(page.Locator("[data-error-for=currency]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await AppBrowser.CheckAsync(page, "settings-organization-errors");
        Assert.Equal("USD", (await tenant.GetOkAsync("/api/v1/settings"))["currency"]!.GetValue<string>());

        await page.FillAsync("#field-currency", "EUR");
        await page.FillAsync("#field-timeZone", "Europe/Berlin");
        await page.ClickAsync("#organization-submit");
        await Assertions.Expect(page.Locator("#organization-saved")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var settings = await tenant.GetOkAsync("/api/v1/settings");
        Assert.Equal("EUR", settings["currency"]!.GetValue<string>());
        Assert.Equal("Europe/Berlin", settings["timeZone"]!.GetValue<string>());
        // Money is now shown in euros on the page's own example.
        await Assertions.Expect(page.Locator("#organization-form .field-hint").First).ToContainTextAsync("€");

        // Departments: a bad id is refused beside its field; a good one is added, renamed, archived and restored.
        await page.ClickAsync("#settings-departments > summary");
        await Assertions.Expect(page.Locator("#departments-table tr[data-department=marketing]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await page.FillAsync("#department-id", "Not An Id");
        await page.FillAsync("#department-name", "Partnerships");
        await page.ClickAsync("#department-add");
        await Assertions.Expect(page.Locator("[data-error-for=id]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await page.FillAsync("#department-id", "partners");
        await page.ClickAsync("#department-add");
        var row = page.Locator("#departments-table tr[data-department=partners]");
        await Assertions.Expect(row).ToContainTextAsync("Partnerships", new() { Timeout = 10_000 });

        await row.GetByRole(AriaRole.Button, new() { Name = "Rename Partnerships" }).ClickAsync();
        await page.FillAsync("#rename-partners", "Partner marketing");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(row).ToContainTextAsync("Partner marketing", new() { Timeout = 10_000 });
        await AppBrowser.CheckAsync(page, "settings-departments");

        await row.GetByRole(AriaRole.Button, new() { Name = "Archive Partner marketing" }).ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#archived-departments [data-archived-department=partners]")).ToBeVisibleAsync();
        Assert.DoesNotContain((await tenant.GetOkAsync("/api/v1/departments")).AsArray(), d => d!["id"]!.GetValue<string>() == "partners");
        await page.GetByRole(AriaRole.Button, new() { Name = "Restore Partner marketing" }).ClickAsync();
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 10_000 });
        Assert.Contains((await tenant.GetOkAsync("/api/v1/departments")).AsArray(), d => d!["id"]!.GetValue<string>() == "partners");
    }
}
