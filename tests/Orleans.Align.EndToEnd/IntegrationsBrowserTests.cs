using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The integrations page in a real Chromium, on the subscriptions' system (deliveries may reach a receiver
/// on loopback over http, and are dead-lettered 15 s after they are raised): an admin connects Shopify and
/// watches a signed delivery move its counters, subscribes a receiver and retries a dead-lettered delivery
/// from its log; a lead does not get the page.
/// </summary>
[Collection(SubscriptionCollection.Name)]
public sealed class IntegrationsBrowserTests(SubscriptionSystem system) : IAsyncLifetime
{
    private static readonly LocatorAssertionsToBeVisibleOptions Shown = new() { Timeout = 15_000 };
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task An_admin_connects_Shopify_sees_its_counters_move_and_retries_a_dead_lettered_delivery_of_a_subscription_a_lead_gets_no_page()
    {
        var tenant = await system.CreateTenantAsync("integrations-ui");
        await tenant.SeedLaunchAsync();
        var admin = await tenant.AddPersonAsync("admin");
        var lead = await tenant.AddPersonAsync("lead", "marketing");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, admin);
        await AppBrowser.GoAsync(page, "#/settings");
        await page.ClickAsync("#integrations-link");
        await Assertions.Expect(page.Locator("#app-main .page-header h2")).ToHaveTextAsync("Integrations", new() { Timeout = 15_000 });

        // Shopify without its app secret: the API's message beside the secret field, nothing created.
        await page.FillAsync("#source-name", "Shop");
        await page.SelectOptionAsync("#source-scheme", "shopify");
        await page.SelectOptionAsync("#source-department", "sales");
        await page.ClickAsync("#source-submit");
        await Assertions.Expect(page.Locator("#source-form [data-error-for=secret]")).ToContainTextAsync("is required", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#source-secret")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Empty((await tenant.GetOkAsync("/api/v1/sources")).AsArray());

        const string Secret = "shpss_0123456789abcdef0123456789abcdef";
        await page.FillAsync("#source-secret", Secret);
        await page.ClickAsync("#source-submit");
        await Assertions.Expect(page.Locator("#source-created")).ToBeVisibleAsync(Shown);
        var card = page.Locator("article[data-source-name=Shop]");
        await Assertions.Expect(card).ToBeVisibleAsync(Shown);
        var sourceId = await card.GetAttributeAsync("data-source-id");
        Assert.False(string.IsNullOrEmpty(sourceId));
        // A preset's secret is the tool's: the API returns none, the page shows none.
        await Assertions.Expect(page.Locator("#new-source-secret")).ToHaveCountAsync(0);
        var url = await page.InputValueAsync($"#webhook-url-{sourceId}");
        Assert.Equal(new Uri(system.Gateway, $"/api/v1/sources/{sourceId}/webhook").ToString(), url);
        await Assertions.Expect(card.Locator("[data-counter=deliveries]")).ToHaveTextAsync("0");
        await AppBrowser.CheckAsync(page, "integrations-source-created");

        // Shopify delivers an order, signed as Shopify signs it, to the URL the page shows; and a payload that does not map.
        var order = $$"""
            {"id":820982911946154508,"created_at":"{{DateTimeOffset.UtcNow.AddMinutes(-1):yyyy-MM-ddTHH:mm:sszzz}}","currency":"EUR","total_price":"249.90",
             "landing_site":"/products/kit?utm_source=newsletter&utm_campaign=launch","note_attributes":[],"line_items":[]}
            """;
        Assert.Equal(HttpStatusCode.OK, await ShopifyAsync(url, order, Secret));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await ShopifyAsync(url, """{"id":1,"created_at":"2026-01-01T00:00:00Z","currency":"EUR","line_items":[]}""", Secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await ShopifyAsync(url, order, "shpss_someone_else_entirely"));

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#app-main .page-header h2")).ToHaveTextAsync("Integrations", new() { Timeout = 15_000 });
        await Assertions.Expect(card.Locator("[data-counter=deliveries]")).ToHaveTextAsync("2", new() { Timeout = 15_000 });
        await Assertions.Expect(card.Locator("[data-counter=accepted]")).ToHaveTextAsync("2"); // orders and revenue
        await Assertions.Expect(card.Locator("[data-counter=failed]")).ToHaveTextAsync("1");
        await Assertions.Expect(card.Locator("[data-counter=bad-signatures]")).ToHaveTextAsync("1");
        await Assertions.Expect(card.Locator("[data-counter=last-delivery]")).Not.ToHaveTextAsync("never");
        await card.Locator("[data-action=source-failures]").ClickAsync();
        await Assertions.Expect(card.Locator($"[data-failures-of='{sourceId}'] tbody tr")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(card.Locator($"[data-failures-of='{sourceId}']")).ToContainTextAsync("total_price");
        await Assertions.Expect(card.Locator($"[data-failures-of='{sourceId}']")).ToContainTextAsync("orders/create");
        await AppBrowser.CheckAsync(page, "integrations-source-counters");

        // A Standard Webhooks source: rules that are not JSON, then a rule the API refuses, each beside the rules; then its generated secret, shown once, and rotated.
        await page.FillAsync("#source-name", "Billing");
        await page.SelectOptionAsync("#source-scheme", "standard-webhooks");
        await page.FillAsync("#source-rules", "[{\"when\":");
        await page.ClickAsync("#source-submit");
        await Assertions.Expect(page.Locator("#source-form [data-error-for='mapping.rules']")).ToContainTextAsync("not JSON", new() { Timeout = 15_000 });
        await page.FillAsync("#source-rules", """[{"when":"invoice.paid","metric":"Not A Metric","valueField":"/data/amount"}]""");
        await page.ClickAsync("#source-submit");
        await Assertions.Expect(page.Locator("#source-form [data-error-for='mapping.rules']")).Not.ToContainTextAsync("not JSON", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#source-form [data-error-for='mapping.rules']")).ToBeVisibleAsync(Shown);
        await Assertions.Expect(page.Locator("#source-rules")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.FillAsync("#source-rules", """[{"when":"invoice.paid","metric":"revenue","valueField":"/data/amount"}]""");
        await page.ClickAsync("#source-submit");
        await Assertions.Expect(page.Locator("#source-created")).ToBeVisibleAsync(Shown);
        var generated = await page.InputValueAsync("#new-source-secret");
        Assert.StartsWith("whsec_", generated);
        var billing = page.Locator("article[data-source-name=Billing]");
        await billing.Locator("[data-action=rotate-source]").ClickAsync();
        await billing.Locator("form[data-form=rotate-source] button[type=submit]").ClickAsync();
        await Assertions.Expect(billing.Locator("[data-rotated=true]")).ToBeVisibleAsync(Shown);
        var billingId = await billing.GetAttributeAsync("data-source-id");
        var rotatedSource = await page.InputValueAsync($"#rotated-secret-{billingId}");
        Assert.StartsWith("whsec_", rotatedSource);
        Assert.NotEqual(generated, rotatedSource);
        Assert.Equal(2, (await tenant.GetOkAsync("/api/v1/sources")).AsArray().Count);

        // A subscription to a receiver that is down: the signed secret shown once, the URL afterwards by its host only.
        const string Path = "/align-hook";
        _receiver.SetDown(Path, true);
        var hookUrl = _receiver.UrlOf(Path);
        await page.FillAsync("#subscription-name", "CRM hook");
        await page.SelectOptionAsync("#subscription-format", "standardWebhooks");
        await page.FillAsync("#subscription-url", "ftp://example.com/hook");
        await page.ClickAsync("#subscription-submit");
        await Assertions.Expect(page.Locator("#subscription-form [data-error-for=url]")).ToContainTextAsync("http(s)", new() { Timeout = 15_000 });
        await page.FillAsync("#subscription-url", hookUrl);
        await page.Locator("#subscription-kinds").GetByLabel("Announcements").CheckAsync();
        await page.ClickAsync("#subscription-submit");
        await Assertions.Expect(page.Locator("#subscription-created")).ToBeVisibleAsync(Shown);
        Assert.StartsWith("whsec_", await page.InputValueAsync("#new-subscription-secret"));
        var row = page.Locator("#subscriptions-table tr[data-subscription-name='CRM hook']");
        await Assertions.Expect(row.Locator("[data-host]")).ToHaveTextAsync(new Uri(hookUrl).Authority, new() { Timeout = 15_000 });
        await Assertions.Expect(row).Not.ToContainTextAsync(Path);
        await Assertions.Expect(row).ToContainTextAsync("Announcements");

        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "sales", to = new[] { "marketing" }, text = "The shop is live" });
        await row.Locator("[data-action=delivery-log]").ClickAsync();
        var delivery = page.Locator("#deliveries-table tbody tr");
        await Assertions.Expect(delivery).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(delivery).ToContainTextAsync("announcement.posted");
        // Dead-lettered once the retry window (15 s here) has passed; every failed attempt is in the log.
        await RefreshUntilAsync(page, "#deliveries-table tbody tr[data-state=deadLettered]");
        await Assertions.Expect(delivery.Locator("[data-attempt-status='503']").First).ToContainTextAsync("HTTP 503");
        await AppBrowser.CheckAsync(page, "integrations-delivery-log");
        Assert.Empty(_receiver.AcceptedAt(Path));

        _receiver.SetDown(Path, false);
        await delivery.Locator("[data-action=retry-delivery]").ClickAsync();
        await RefreshUntilAsync(page, "#deliveries-table tbody tr[data-state=delivered]");
        await Assertions.Expect(delivery.Locator("[data-attempt-status='200']")).ToContainTextAsync("HTTP 200");
        var received = Assert.Single(_receiver.AcceptedAt(Path));
        Assert.Contains("The shop is live", received.Body);

        // Turned off and on, its secret rotated (shown once), the source deleted after a confirmation.
        var subscriptionId = await row.GetAttributeAsync("data-subscription-id");
        await row.Locator("[data-action=toggle-subscription]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-enabled]")).ToHaveAttributeAsync("data-enabled", "false", new() { Timeout = 15_000 });
        Assert.False((await tenant.GetOkAsync($"/api/v1/subscriptions/{subscriptionId}"))["enabled"]!.GetValue<bool>());
        await row.Locator("[data-action=toggle-subscription]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-enabled]")).ToHaveAttributeAsync("data-enabled", "true", new() { Timeout = 15_000 });
        Assert.Equal(hookUrl, (await tenant.GetOkAsync($"/api/v1/subscriptions/{subscriptionId}"))["url"]!.GetValue<string>());
        var firstSecret = await page.InputValueAsync("#new-subscription-secret");
        await row.Locator("[data-action=rotate-subscription]").ClickAsync();
        await Assertions.Expect(page.Locator("#subscription-secret")).ToBeVisibleAsync(Shown);
        var rotated = await page.InputValueAsync("#rotated-subscription-secret");
        Assert.StartsWith("whsec_", rotated);
        Assert.NotEqual(firstSecret, rotated);

        await card.Locator("[data-action=delete-source]").ClickAsync();
        await card.Locator("[data-action=confirm-delete-source]").ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        Assert.Equal("Billing", Assert.Single((await tenant.GetOkAsync("/api/v1/sources")).AsArray())!["name"]!.GetValue<string>());

        // A lead has no Settings entry, and the page's address says it is for admins.
        var other = await AppBrowser.SignInAsync(browser, tenant, lead);
        await AppBrowser.GoAsync(other, "#/settings/integrations");
        await Assertions.Expect(other.Locator("#admins-only")).ToContainTextAsync("admins only");
        await Assertions.Expect(other.Locator("#sources, #subscriptions, [data-source-id]")).ToHaveCountAsync(0);
        await AppBrowser.CheckAsync(other, "integrations-admins-only");
    }

    private async Task<HttpStatusCode> ShopifyAsync(string url, string body, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("X-Shopify-Topic", "orders/create");
        request.Headers.TryAddWithoutValidation("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
        request.Headers.TryAddWithoutValidation("X-Shopify-Shop-Domain", "align-demo.myshopify.com");
        request.Headers.TryAddWithoutValidation("X-Shopify-Hmac-Sha256",
            Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        using var response = await system.Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Presses the log's Refresh until <paramref name="selector"/> shows (a generous wait; no timing is asserted).</summary>
    private static async Task RefreshUntilAsync(IPage page, string selector)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await page.Locator(selector).CountAsync() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{selector} never showed in the delivery log");
            await page.ClickAsync("#delivery-log-refresh");
            await Task.Delay(500);
        }
    }
}
