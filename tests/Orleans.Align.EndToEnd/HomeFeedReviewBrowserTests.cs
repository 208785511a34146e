using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Home, the feed and reviews in a real Chromium against the real gateway and silo: people in their own
/// browser contexts see each other's announcements and acknowledgements live, the feed's filters live in
/// the address, a review compares then with now, and a viewer reads without the means to change anything.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class HomeFeedReviewBrowserTests(AlignSystem system)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Live = new() { Timeout = 5_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 15_000 };

    /// <summary>
    /// Departments marketing, PR and sales; the launch campaign with its joint goal (marketing + sales) and a
    /// goal of marketing's own. With <paramref name="leads"/>, 24 leads counted for both; with
    /// <paramref name="history"/>, in two minutes (a goal's history has a point per minute), so there is a line to draw.
    /// </summary>
    private async Task<Tenant> SeedAsync(string prefix, bool leads = true, bool history = false)
    {
        var tenant = await system.CreateTenantAsync(prefix);
        await tenant.SeedLaunchAsync(target: 100);
        await tenant.PostOkAsync("/api/v1/goals", new
        {
            id = "brand-leads",
            title = "Brand leads",
            metric = "leads",
            target = 50,
            owners = new[] { "marketing" },
            scope = new { campaign = "launch" },
            start = DateTimeOffset.UtcNow.AddDays(-1),
            end = DateTimeOffset.UtcNow.AddDays(30),
        });
        if (!leads) return tenant;
        await tenant.PostEventsAsync(("seed-1", 4), ("seed-2", 8));
        if (history)
        {
            // The next minute on the silo's clock (this machine's): a second point of history for each goal.
            var now = DateTimeOffset.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(61 - now.Second));
            await tenant.PostEventsAsync(("seed-3", 12));
            foreach (var goal in new[] { "launch-leads", "brand-leads" })
                Assert.True((await tenant.GetOkAsync($"/api/v1/goals/{goal}/history?resolution=minute")).AsArray().Count >= 2, $"{goal} has no two points of history");
        }
        else
        {
            await tenant.PostEventsAsync(("seed-3", 12));
        }
        return tenant;
    }

    private static ILocator Entry(IPage page, string scope, string text) =>
        page.Locator($"{scope} .cf-entry").Filter(new() { HasText = text });

    [Fact]
    public async Task A_sales_member_and_a_marketing_lead_see_each_others_feedback_and_acknowledgement_live()
    {
        var tenant = await SeedAsync("hf-live", history: true);
        var lead = await tenant.AddPersonAsync("lead", "marketing");
        var member = await tenant.AddPersonAsync("member", "sales");
        // PR's own goal and feedback to PR about it concern neither marketing's goals nor marketing.
        await tenant.PostOkAsync("/api/v1/goals", new
        {
            id = "pr-coverage", title = "PR coverage", metric = "leads", target = 10, owners = new[] { "pr" },
            start = DateTimeOffset.UtcNow.AddDays(-1), end = DateTimeOffset.UtcNow.AddDays(30),
        });
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "sales", to = new[] { "pr" }, text = "Journalists ask for numbers", goal = "pr-coverage", salesFeedback = true });

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);

        // The lead's home: marketing's own goal and the joint goal with sales, each with a sparkline, pace and status.
        var home = await AppBrowser.SignInAsync(browser, tenant, lead);
        await Assertions.Expect(home.Locator("[data-testid=my-goals] [data-goal-id=brand-leads]")).ToBeVisibleAsync(Slow);
        var joint = home.Locator("[data-testid=joint-goals] [data-goal-id=launch-leads]");
        await Assertions.Expect(joint).ToBeVisibleAsync();
        await Assertions.Expect(joint.Locator(".goal-owners")).ToHaveTextAsync("MARKETING + SALES");
        await Assertions.Expect(home.Locator("[data-testid=my-goals] [data-goal-id=launch-leads]")).ToHaveCountAsync(0);
        await Assertions.Expect(home.Locator("[data-goal-id=brand-leads] .sparkline canvas")).ToBeVisibleAsync(Slow);
        await Assertions.Expect(joint.Locator(".sparkline canvas")).ToBeVisibleAsync(Slow);
        await Assertions.Expect(joint.Locator("[data-pace]")).ToContainTextAsync("24 % done");
        await Assertions.Expect(joint.Locator(".status-badge")).Not.ToBeEmptyAsync();
        await Assertions.Expect(home.Locator(".live-state")).ToHaveAttributeAsync("data-live", "connected", new() { Timeout = 15_000 });
        await Assertions.Expect(home.Locator("[data-goal-id=pr-coverage]")).ToHaveCountAsync(0);
        await Assertions.Expect(home.Locator("[data-testid=home-alerts]")).ToHaveCountAsync(0); // PR's alert is not marketing's
        await AppBrowser.CheckAsync(home, "home-lead");

        // The lead also has the feed open in a second tab (same person, same session).
        var feed = await home.Context.NewPageAsync();
        await feed.GotoAsync(new Uri(tenant.System.Gateway, $"/?org={tenant.Id}#/feed").ToString());
        await Assertions.Expect(feed.Locator(".live-state")).ToHaveAttributeAsync("data-live", "connected", new() { Timeout = 15_000 });

        // The sales member posts feedback on the joint goal from the feed's form, by keyboard-reachable controls.
        var sales = await AppBrowser.SignInAsync(browser, tenant, member);
        await AppBrowser.GoAsync(sales, "#/feed");
        var form = sales.Locator("form.announce");
        await Assertions.Expect(form.Locator("#field-from")).ToHaveValueAsync("sales");
        await Assertions.Expect(form.Locator("#field-from option")).ToHaveCountAsync(1); // a member speaks for their own department only
        await form.GetByLabel("MARKETING").CheckAsync();
        await form.Locator("#field-goal").SelectOptionAsync("launch-leads");
        await form.Locator("#field-text").FillAsync("Prospects ask about pricing tiers");
        await form.GetByLabel("Sales feedback on the goal").CheckAsync();
        await AppBrowser.CheckAsync(sales, "feed-member-announce");
        await form.Locator("[data-action=announce]").ClickAsync();
        await Assertions.Expect(form.Locator(".success")).ToContainTextAsync("Sales feedback posted");

        // Within a few seconds, without a reload: the lead's feed shows the announcement and the alert it raised,
        // and the lead's home lists both as new and the alert as one that concerns marketing.
        await Assertions.Expect(Entry(feed, "[data-testid=cf-list]", "Prospects ask about pricing tiers").And(feed.Locator("[data-kind=announcement][data-sales-feedback=true]"))).ToBeVisibleAsync(Live);
        await Assertions.Expect(Entry(feed, "[data-testid=cf-list]", "Prospects ask about pricing tiers").And(feed.Locator("[data-kind=alert][data-state=open]"))).ToBeVisibleAsync(Live);
        await Assertions.Expect(Entry(home, "[data-testid=home-changes]", "Prospects ask about pricing tiers")).ToHaveCountAsync(2, new() { Timeout = 5_000 });
        var alert = Entry(home, "[data-testid=home-alerts]", "Prospects ask about pricing tiers");
        await Assertions.Expect(alert).ToHaveAttributeAsync("data-state", "open", new() { Timeout = 5_000 });
        await Assertions.Expect(alert).ToContainTextAsync("From SALES to MARKETING");
        await Assertions.Expect(alert.GetByRole(AriaRole.Link, new() { Name = "Launch leads" })).ToHaveAttributeAsync("href", "#/goals/launch-leads");
        await Assertions.Expect(home.Locator("[data-testid=home-alerts] .cf-entry")).ToHaveCountAsync(1);
        await AppBrowser.CheckAsync(home, "home-lead-alert");

        // The lead acknowledges it from home, as marketing (with the keyboard); the member's feed shows who did, live.
        var acknowledge = alert.Locator("[data-action=acknowledge]");
        await Assertions.Expect(acknowledge).ToHaveTextAsync("Acknowledge as MARKETING");
        await acknowledge.FocusAsync();
        await home.Keyboard.PressAsync("Enter");
        await Assertions.Expect(alert).ToHaveAttributeAsync("data-state", "acknowledged", new() { Timeout = 5_000 });
        var memberAlert = Entry(sales, "[data-testid=cf-list]", "Prospects ask about pricing tiers").And(sales.Locator("[data-kind=alert]"));
        await Assertions.Expect(memberAlert).ToHaveAttributeAsync("data-state", "acknowledged", new() { Timeout = 5_000 });
        await Assertions.Expect(memberAlert.Locator(".alert-state")).ToContainTextAsync("Acknowledged by MARKETING");
        await Assertions.Expect(memberAlert.Locator("[data-action=acknowledge]")).ToHaveCountAsync(0);
        await Assertions.Expect(Entry(feed, "[data-testid=cf-list]", "Prospects ask about pricing tiers").And(feed.Locator("[data-kind=alert]")))
            .ToHaveAttributeAsync("data-state", "acknowledged", new() { Timeout = 5_000 });
        await AppBrowser.CheckAsync(sales, "feed-member-acknowledged");
        var stored = (await tenant.GetOkAsync("/api/v1/feed?kind=alert&goal=launch-leads")).AsArray().Single()!;
        Assert.Equal("marketing", stored["acknowledgedBy"]!.GetValue<string>());

        // A check-in by sales shows on the joint goal's card with its confidence, live.
        await tenant.PostOkAsync("/api/v1/goals/launch-leads/check-ins", new { department = "sales", confidence = 3, note = "Pricing questions slow deals" });
        await Assertions.Expect(joint.Locator("[data-confidence]")).ToHaveAttributeAsync("data-confidence", "3", new() { Timeout = 5_000 });
        await Assertions.Expect(joint.Locator("[data-confidence]")).ToContainTextAsync("3/10 from SALES");
        await Assertions.Expect(Entry(feed, "[data-testid=cf-list]", "Pricing questions slow deals")).ToHaveAttributeAsync("data-kind", "checkIn", new() { Timeout = 5_000 });

        // Leaving home marks what it showed as seen: back home, only what came after is new.
        await AppBrowser.GoAsync(home, "#/goals");
        await form.Locator("#field-text").FillAsync("Coverage lands on Tuesday, tell your prospects");
        await form.Locator("[data-action=announce]").ClickAsync();
        await Assertions.Expect(Entry(feed, "[data-testid=cf-list]", "Coverage lands on Tuesday")).ToBeVisibleAsync(Live);
        await AppBrowser.GoAsync(home, "#/");
        await Assertions.Expect(Entry(home, "[data-testid=home-changes]", "Coverage lands on Tuesday")).ToBeVisibleAsync(Slow);
        await Assertions.Expect(Entry(home, "[data-testid=home-changes]", "Prospects ask about pricing tiers")).ToHaveCountAsync(0);
        await Assertions.Expect(home.Locator("#home-changes + .muted-note")).ToContainTextAsync("Your last visit");
    }

    [Fact]
    public async Task Feed_filters_narrow_the_list_live_in_the_address_survive_a_reload_and_older_entries_page_in()
    {
        var tenant = await SeedAsync("hf-filter", leads: false);
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "pr", to = new[] { "sales" }, text = "PR to sales: the embargo lifts at nine" });
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "marketing", to = new[] { "pr" }, text = "Marketing to PR: the assets are ready" });
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "sales", to = new[] { "marketing" }, text = "Sales to marketing: leads are cold", goal = "launch-leads", salesFeedback = true });
        for (var i = 1; i <= 32; i++)
            await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "marketing", to = new[] { "sales" }, text = $"Daily note {i:00}" });
        var lead = await tenant.AddPersonAsync("lead", "marketing");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, lead);
        await AppBrowser.GoAsync(page, "#/feed");

        // One page of thirty, newest first; "Older" brings the rest.
        var items = page.Locator("[data-testid=cf-list] > .cf-entry");
        await Assertions.Expect(items).ToHaveCountAsync(30, new() { Timeout = 15_000 });
        await Assertions.Expect(items.First).ToContainTextAsync("Daily note 32");
        await page.Locator("[data-action=older]").ClickAsync();
        await Assertions.Expect(items).ToHaveCountAsync(36, new() { Timeout = 10_000 }); // 32 notes, 3 announcements, 1 alert
        await Assertions.Expect(items.Last).ToContainTextAsync("PR to sales");
        await Assertions.Expect(page.Locator("[data-action=older]")).ToHaveCountAsync(0);

        // Department PR: what PR said and what was said to PR, nothing else; the filter is in the address.
        await page.Locator("#feed-filter-department").SelectOptionAsync("pr");
        await Assertions.Expect(items).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        Assert.Contains("department=pr", page.Url);
        await Assertions.Expect(Entry(page, "[data-testid=cf-list]", "PR to sales")).ToBeVisibleAsync();
        await Assertions.Expect(Entry(page, "[data-testid=cf-list]", "Marketing to PR")).ToBeVisibleAsync();

        // Kind and goal narrow further; a reload keeps the filters and the list.
        await page.Locator("[data-action=clear-filters]").ClickAsync();
        await Assertions.Expect(items).ToHaveCountAsync(30, new() { Timeout = 10_000 });
        await page.Locator("#feed-filter-kind").SelectOptionAsync("alert");
        await page.Locator("#feed-filter-goal").SelectOptionAsync("launch-leads");
        await Assertions.Expect(items).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Assertions.Expect(items.First).ToHaveAttributeAsync("data-kind", "alert");
        Assert.Matches(new Regex("#/feed\\?(?=.*kind=alert)(?=.*goal=launch-leads)"), page.Url);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#feed-filter-kind")).ToHaveValueAsync("alert", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#feed-filter-goal")).ToHaveValueAsync("launch-leads");
        await Assertions.Expect(items).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(items.First).ToContainTextAsync("leads are cold");
        await AppBrowser.CheckAsync(page, "feed-filtered");

        // A new entry that matches appears live; one that does not stays out.
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "pr", to = new[] { "sales" }, text = "Not about the goal" });
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "sales", to = new[] { "pr" }, text = "Second feedback: pricing", goal = "launch-leads", salesFeedback = true });
        await Assertions.Expect(items).ToHaveCountAsync(2, new() { Timeout = 5_000 });
        await Assertions.Expect(items.First).ToContainTextAsync("Second feedback: pricing");
        await Assertions.Expect(Entry(page, "[data-testid=cf-list]", "Not about the goal")).ToHaveCountAsync(0);

        // A shared address opens the same filtered feed.
        await AppBrowser.GoAsync(page, "#/feed?kind=announcement&department=pr");
        await Assertions.Expect(page.Locator("#feed-filter-kind")).ToHaveValueAsync("announcement");
        await Assertions.Expect(items).ToHaveCountAsync(4, new() { Timeout = 10_000 }); // PR to sales, Marketing to PR, Not about the goal, Second feedback (to PR)
    }

    [Fact]
    public async Task A_lead_freezes_a_quarter_and_its_review_compares_then_with_now_live()
    {
        var tenant = await SeedAsync("hf-review");
        var lead = await tenant.AddPersonAsync("lead", "marketing");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, lead);
        await AppBrowser.GoAsync(page, "#/reviews");
        await Assertions.Expect(page.Locator(".empty-note")).ToContainTextAsync("No quarter has been frozen yet", new() { Timeout = 15_000 });

        // Without a name the API's message is shown beside the name field.
        var form = page.Locator("form.freeze");
        await form.Locator("[data-action=freeze]").ClickAsync();
        await Assertions.Expect(form.Locator("[data-error-for=name]")).ToBeVisibleAsync(Live);
        await AppBrowser.CheckAsync(page, "reviews-invalid");

        await form.Locator("#field-name").FillAsync("Q3 2026 review");
        await Assertions.Expect(form.Locator("#field-id")).ToHaveValueAsync("q3-2026-review");
        await form.Locator("[data-action=freeze]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("#/reviews/q3-2026-review$"), new() { Timeout = 10_000 });

        // Then and now side by side: 24 leads at the freeze (24 % of the joint goal's 100, 48 % of brand's 50).
        var joint = page.Locator("[data-testid=comparison] tr[data-goal-id=launch-leads]");
        await Assertions.Expect(page.Locator("#app-main .page-header h2")).ToHaveTextAsync("Q3 2026 review", new() { Timeout = 15_000 });
        await Assertions.Expect(joint.Locator("[data-then]")).ToHaveAttributeAsync("data-then", "24");
        await Assertions.Expect(joint.Locator("[data-now]")).ToHaveAttributeAsync("data-now", "24");

        // Events after the freeze move "now" (live) and the change; "then" stays.
        await tenant.PostEventsAsync(("after-1", 30), ("after-2", 20));
        await Assertions.Expect(joint.Locator("[data-now]")).ToHaveAttributeAsync("data-now", "74", new() { Timeout = 10_000 });
        await Assertions.Expect(joint.Locator("[data-then]")).ToHaveAttributeAsync("data-then", "24");
        await Assertions.Expect(joint.Locator("[data-change]")).ToHaveAttributeAsync("data-change", "50");
        await Assertions.Expect(joint.Locator("[data-change]")).ToContainTextAsync("+50");
        await Assertions.Expect(joint.Locator("[data-change]")).ToContainTextAsync("+50 pts");
        var brand = page.Locator("[data-testid=comparison] tr[data-goal-id=brand-leads]");
        await Assertions.Expect(brand.Locator("[data-now]")).ToHaveAttributeAsync("data-now", "74", new() { Timeout = 10_000 });

        // Sorted by change in points of the target, largest first: brand's (+100 points of its 50) above the joint goal's (+50 of 100).
        await page.Locator("[data-sort=change]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=comparison] th[aria-sort=descending] [data-sort=change]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=comparison] tbody tr").First).ToHaveAttributeAsync("data-goal-id", "brand-leads");
        await page.Locator("[data-sort=change]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=comparison] tbody tr").First).ToHaveAttributeAsync("data-goal-id", "launch-leads");
        await AppBrowser.CheckAsync(page, "review-comparison");

        // The list shows the review; freezing the same id again is refused with the API's problem.
        await AppBrowser.GoAsync(page, "#/reviews");
        await Assertions.Expect(page.Locator("[data-testid=review-list] tr[data-review-id=q3-2026-review]")).ToContainTextAsync("Q3 2026 review", new() { Timeout = 10_000 });
        await page.Locator("#field-name").FillAsync("Q3 2026 review");
        await page.Locator("[data-action=freeze]").ClickAsync();
        await Assertions.Expect(page.Locator("form.freeze .problem")).ToBeVisibleAsync(Live);
        Assert.EndsWith("#/reviews", page.Url);
        await AppBrowser.CheckAsync(page, "reviews-list");
    }

    [Fact]
    public async Task A_viewer_reads_home_feed_and_reviews_but_cannot_post_acknowledge_or_freeze()
    {
        var tenant = await SeedAsync("hf-viewer", leads: false);
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "sales", to = new[] { "marketing" }, text = "Leads ask for a demo", goal = "launch-leads", salesFeedback = true });
        await tenant.PostOkAsync("/api/v1/reviews", new { id = "q2", name = "Q2 review" });
        var viewer = await tenant.AddPersonAsync("viewer");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, viewer);

        // Without departments, home shows the whole organization: both goals, the open alert, no acknowledge.
        await Assertions.Expect(page.Locator("[data-testid=my-goals] [data-goal-id=brand-leads]")).ToBeVisibleAsync(Slow);
        await Assertions.Expect(page.Locator("[data-testid=joint-goals] [data-goal-id=launch-leads]")).ToBeVisibleAsync();
        var alert = Entry(page, "[data-testid=home-alerts]", "Leads ask for a demo");
        await Assertions.Expect(alert).ToHaveAttributeAsync("data-state", "open");
        await Assertions.Expect(page.Locator("[data-action=acknowledge]")).ToHaveCountAsync(0);
        await AppBrowser.CheckAsync(page, "home-viewer");

        await AppBrowser.GoAsync(page, "#/feed");
        await Assertions.Expect(page.Locator("[data-testid=announce-not-allowed]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("form.announce")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=cf-list] .cf-entry")).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("[data-action=acknowledge]")).ToHaveCountAsync(0);
        await AppBrowser.CheckAsync(page, "feed-viewer");

        await AppBrowser.GoAsync(page, "#/reviews");
        await Assertions.Expect(page.Locator("[data-testid=freeze-not-allowed]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("form.freeze")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=review-list] tr[data-review-id=q2]")).ToBeVisibleAsync(Slow);
        await AppBrowser.CheckAsync(page, "reviews-viewer");
    }

    [Fact]
    public async Task A_member_whose_role_was_taken_away_sees_the_apis_refusal_beside_the_form()
    {
        var tenant = await SeedAsync("hf-403", leads: false);
        var member = await tenant.AddPersonAsync("member", "sales");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, member);
        await AppBrowser.GoAsync(page, "#/feed");
        var form = page.Locator("form.announce");
        await Assertions.Expect(form).ToBeVisibleAsync(Slow);

        // The page still offers the form it was opened with; the API now refuses, and the page says so.
        await RoleChangeTests.ChangeOkAsync(tenant, member, "viewer");
        var refused = false;
        for (var attempt = 0; attempt < 40 && !refused; attempt++)
        {
            await form.Locator("#field-text").FillAsync($"Attempt {attempt}");
            await form.Locator("[data-action=announce]").ClickAsync();
            await Assertions.Expect(form.Locator(".problem, .success")).ToBeVisibleAsync(Live);
            refused = await form.Locator(".problem").CountAsync() > 0;
        }
        Assert.True(refused, "the API never refused the demoted member's announcement");
        await Assertions.Expect(form.Locator(".problem")).ToContainTextAsync(new Regex("do(es)? not allow"));
        await AppBrowser.CheckAsync(page, "feed-refused");
    }
}
