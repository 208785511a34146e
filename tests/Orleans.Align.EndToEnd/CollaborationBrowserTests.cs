using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The collaboration app end to end: three people in three browser contexts (a marketing lead, a PR
/// lead and a sales member) plan a campaign, set a joint and a ratio goal, watch events arrive, check in,
/// tell each other what they see, ask "why this number", replay the launch morning and freeze a review;
/// each sees the others' actions live. Then a viewer, who can read all of it and change none of it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CollaborationBrowserTests(AlignSystem system)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Live = new() { Timeout = 10_000 };

    [Fact]
    public async Task Three_people_plan_a_campaign_set_goals_check_in_share_feedback_replay_the_morning_and_freeze_a_review_live()
    {
        var tenant = await system.CreateTenantAsync("co");
        foreach (var (id, name) in new[] { ("marketing", "Marketing"), ("pr", "PR"), ("sales", "Sales") })
            await tenant.PostOkAsync("/api/v1/departments", new { id, name });
        var maya = await tenant.AddPersonAsync("lead", "marketing");
        var priya = await tenant.AddPersonAsync("lead", "pr");
        var sam = await tenant.AddPersonAsync("member", "sales");
        var vic = await tenant.AddPersonAsync("viewer");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var marketing = await AppBrowser.SignInAsync(browser, tenant, maya);
        var pr = await AppBrowser.SignInAsync(browser, tenant, priya);
        var sales = await AppBrowser.SignInAsync(browser, tenant, sam);

        // 1. The marketing lead plans the integrated campaign: three departments, an activity each for marketing and PR
        //    with the metrics they should move and a target, and the launch window.
        await AppBrowser.GoAsync(marketing, "#/campaigns");
        await marketing.Locator("[data-action=plan-campaign]").ClickAsync();
        await marketing.FillAsync("#field-id", "eco");
        await marketing.FillAsync("#field-name", "Eco line launch");
        foreach (var d in new[] { "marketing", "pr", "sales" }) await marketing.CheckAsync($"#group-departments input[value={d}]");
        await marketing.FillAsync("#field-launch-start", Wall(DateTimeOffset.UtcNow.AddDays(-1)));
        await marketing.FillAsync("#field-launch-end", Wall(DateTimeOffset.UtcNow.AddDays(10)));
        await marketing.ClickAsync("#add-activity");
        var hashtag = marketing.Locator("[data-activity-prefix='activities[0]']");
        await hashtag.Locator("#field-activities-0--id").FillAsync("hashtag");
        await hashtag.Locator("#field-activities-0--name").FillAsync("Hashtag campaign");
        await hashtag.Locator("#field-activities-0--department").SelectOptionAsync("marketing");
        await hashtag.Locator("input[type=checkbox][value=leads]").CheckAsync();
        await hashtag.Locator("[data-target-metric=leads]").GetByLabel("Target for Leads", new() { Exact = true }).FillAsync("80");
        await marketing.ClickAsync("#plan-campaign-submit");
        await Assertions.Expect(marketing.Locator("#app-main .page-header h2")).ToHaveTextAsync("Eco line launch", new() { Timeout = 15_000 });
        await AppBrowser.CheckAsync(marketing, "collab-campaign");

        // The PR lead adds PR's own activity to the running campaign (a lead sets activities of their department).
        await AppBrowser.GoAsync(pr, "#/campaigns/eco");
        await Assertions.Expect(pr.Locator("[data-activity-id=hashtag]")).ToBeVisibleAsync(Live);
        await pr.ClickAsync("#add-campaign-activity");
        await Assertions.Expect(pr.Locator("#field-activity-department")).ToHaveValueAsync("pr");
        await pr.FillAsync("#field-activityId", "press-briefing");
        await pr.FillAsync("#field-activity-name", "Press briefing");
        await pr.Locator("#activity-form input[type=checkbox][value=media_mentions]").CheckAsync();
        await pr.ClickAsync("#activity-save");
        await Assertions.Expect(pr.Locator("[data-activity-id=press-briefing] [data-in-charge]")).ToHaveTextAsync("PR", new() { Timeout = 15_000 });
        // ... and the marketing lead's open campaign page shows it, live.
        await Assertions.Expect(marketing.Locator("[data-activity-id=press-briefing]")).ToBeVisibleAsync(Live);

        // 2. A joint goal (marketing and sales share it) and a ratio goal, through the goal form.
        await AppBrowser.GoAsync(marketing, "#/goals/new");
        await marketing.FillAsync("#field-title", "Eco launch leads");
        await marketing.FillAsync("#field-id", "eco-leads");
        await marketing.SelectOptionAsync("#field-metric", "leads");
        await marketing.FillAsync("#field-target", "100");
        await marketing.FillAsync("#field-start", Wall(DateTimeOffset.UtcNow.AddDays(-1)));
        await marketing.Locator("[data-field=owners] input[value=marketing]").CheckAsync();
        await marketing.Locator("[data-field=owners] input[value=sales]").CheckAsync();
        await marketing.Locator("[data-field='scope.campaigns'] input[value=eco]").CheckAsync();
        await marketing.Locator("#save-goal").ClickAsync();
        await Assertions.Expect(marketing.Locator("#app-main .page-header h2")).ToHaveTextAsync("Eco launch leads", new() { Timeout = 15_000 });

        await AppBrowser.GoAsync(marketing, "#/goals/new");
        await marketing.FillAsync("#field-title", "Eco conversion");
        await marketing.FillAsync("#field-id", "eco-conversion");
        await marketing.SelectOptionAsync("#field-metric", "conversion_rate");
        await marketing.FillAsync("#field-target", "0.05");
        await marketing.FillAsync("#field-start", Wall(DateTimeOffset.UtcNow.AddDays(-1)));
        await marketing.Locator("[data-field=owners] input[value=marketing]").CheckAsync();
        await marketing.Locator("[data-field='scope.campaigns'] input[value=eco]").CheckAsync();
        await marketing.Locator("#save-goal").ClickAsync();
        await Assertions.Expect(marketing.Locator("#app-main .page-header h2")).ToHaveTextAsync("Eco conversion", new() { Timeout = 15_000 });

        // 3. Events through the API: the launch morning (20 leads three hours ago, 30 two hours ago), then now.
        var now = DateTimeOffset.UtcNow;
        await tenant.PostOkAsync("/api/v1/events", new
        {
            events = new object[]
            {
                new { id = "m1", metric = "leads", value = 20.0, timestamp = now.AddHours(-3), campaign = "eco", department = "marketing", activity = "hashtag", source = "hubspot" },
                new { id = "m2", metric = "leads", value = 30.0, timestamp = now.AddHours(-2), campaign = "eco", department = "sales", source = "salesforce" },
                new { id = "v1", metric = "visits", value = 1000.0, timestamp = now.AddHours(-2), campaign = "eco", department = "marketing", source = "ga4" },
                new { id = "c1", metric = "conversions", value = 40.0, timestamp = now.AddHours(-2), campaign = "eco", department = "marketing", source = "ga4" },
            },
        });

        // The sales member watches the joint goal's page; events posted now move it without a reload.
        await AppBrowser.GoAsync(sales, "#/goals/eco-leads");
        await Assertions.Expect(sales.Locator("#goal-progress")).ToContainTextAsync("50 of 100", new() { Timeout = 15_000 });
        await tenant.PostOkAsync("/api/v1/events", new
        {
            events = new[] { new { id = "n1", metric = "leads", value = 10.0, campaign = "eco", department = "marketing", activity = "hashtag", source = "hubspot" } },
        });
        await Assertions.Expect(sales.Locator("#goal-progress")).ToContainTextAsync("60 of 100", new() { Timeout = 10_000 });
        // The ratio goal is computed from its summed parts: 40 conversions of 1,000 visits.
        await AppBrowser.GoAsync(pr, "#/goals/eco-conversion");
        await Assertions.Expect(pr.Locator("#goal-progress")).ToContainTextAsync("4", new() { Timeout = 10_000 });

        // 4. The marketing lead keeps the joint goal open; the sales member checks in as sales, and it shows there live.
        await AppBrowser.GoAsync(marketing, "#/goals/eco-leads");
        await Assertions.Expect(marketing.Locator("#goal-progress")).ToContainTextAsync("60 of 100", new() { Timeout = 10_000 });
        await Assertions.Expect(sales.Locator("#field-department")).ToHaveValueAsync("sales");
        await sales.FillAsync("#field-confidence", "4");
        await sales.FillAsync("#field-note", "Prospects wait for the bundle price");
        await sales.Locator("#post-checkin").ClickAsync();
        await Assertions.Expect(marketing.Locator("#check-ins")).ToContainTextAsync("Prospects wait for the bundle price", new() { Timeout = 10_000 });
        await Assertions.Expect(marketing.Locator("#goal-confidence")).ToContainTextAsync("4/10");
        await AppBrowser.CheckAsync(marketing, "collab-goal-page");

        // 5. Sales feedback on the joint goal, from the feed; marketing's and PR's open feeds show it live.
        await AppBrowser.GoAsync(pr, "#/feed");
        await AppBrowser.GoAsync(sales, "#/feed");
        var form = sales.Locator("form.announce");
        await form.GetByLabel("Marketing", new() { Exact = true }).CheckAsync();
        await form.Locator("#field-goal").SelectOptionAsync("eco-leads");
        await form.Locator("#field-text").FillAsync("Prospects ask whether the eco line ships before Black Friday");
        await form.GetByLabel("Sales feedback on the goal").CheckAsync();
        await form.Locator("[data-action=announce]").ClickAsync();
        await Assertions.Expect(form.Locator(".success")).ToBeVisibleAsync(Live);
        await Assertions.Expect(pr.Locator("[data-testid=cf-list] [data-kind=announcement]", new() { HasText = "Black Friday" })).ToBeVisibleAsync(Live);
        await AppBrowser.GoAsync(marketing, "#/");
        await Assertions.Expect(marketing.Locator("[data-testid=home-alerts]", new() { HasText = "Black Friday" })).ToBeVisibleAsync(Live);

        // PR tells sales that coverage lands on Tuesday; the sales member's open feed shows it live.
        var prForm = pr.Locator("form.announce");
        await prForm.GetByLabel("Sales", new() { Exact = true }).CheckAsync();
        await prForm.Locator("#field-text").FillAsync("Coverage lands on Tuesday: expect inquiries");
        await prForm.Locator("[data-action=announce]").ClickAsync();
        await Assertions.Expect(sales.Locator("[data-testid=cf-list] [data-kind=announcement]", new() { HasText = "Coverage lands on Tuesday" })).ToBeVisibleAsync(Live);
        await AppBrowser.CheckAsync(sales, "collab-feed");

        // 6. "Why this number": the events behind the joint goal, newest first, with their source.
        await AppBrowser.GoAsync(marketing, "#/goals/eco-leads");
        var why = marketing.Locator("#why-this-number tbody tr");
        await Assertions.Expect(why).ToHaveCountAsync(3, new() { Timeout = 10_000 });
        await Assertions.Expect(why.First).ToContainTextAsync("hubspot");
        await Assertions.Expect(marketing.Locator("#why-this-number")).ToContainTextAsync("salesforce");

        // 7. The war room, replayed at the launch morning (between the two morning events), then back to live.
        await AppBrowser.GoAsync(marketing, "#/goals");
        await marketing.EvaluateAsync("() => { window.location.hash = '/war-room/campaign:eco'; }");
        var bar = marketing.Locator("[data-goal-id=\"eco-leads\"] [data-role=\"bar\"]");
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "60.0", new() { Timeout = 15_000 });
        await marketing.ClickAsync("#replay-toggle");
        var morning = now.AddHours(-2.5);
        await marketing.FillAsync("#replay-day", morning.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await marketing.FillAsync("#replay-minute", (morning.Hour * 60 + morning.Minute).ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "20.0", new() { Timeout = 15_000 });
        await AppBrowser.ScreenshotAsync(marketing, "collab-war-room-replay", fullPage: false);
        await marketing.ClickAsync("#replay-live");
        await Assertions.Expect(bar).ToHaveAttributeAsync("data-percent", "60.0", new() { Timeout = 10_000 });

        // 8. The PR lead freezes the quarter's review; after more events, now moves and then stays.
        await AppBrowser.GoAsync(pr, "#/reviews");
        var freeze = pr.Locator("form.freeze");
        await freeze.Locator("#field-name").FillAsync("Q4 launch review");
        await freeze.Locator("[data-action=freeze]").ClickAsync();
        await Assertions.Expect(pr).ToHaveURLAsync(new Regex("#/reviews/q4-launch-review$"), new() { Timeout = 10_000 });
        var row = pr.Locator("[data-testid=comparison] tr[data-goal-id=eco-leads]");
        await Assertions.Expect(row.Locator("[data-then]")).ToHaveAttributeAsync("data-then", "60", new() { Timeout = 10_000 });
        await tenant.PostOkAsync("/api/v1/events", new
        {
            events = new[] { new { id = "n2", metric = "leads", value = 15.0, campaign = "eco", department = "sales", source = "salesforce" } },
        });
        await Assertions.Expect(row.Locator("[data-now]")).ToHaveAttributeAsync("data-now", "75", new() { Timeout = 10_000 });
        await Assertions.Expect(row.Locator("[data-then]")).ToHaveAttributeAsync("data-then", "60");
        await AppBrowser.CheckAsync(pr, "collab-review");

        // 9. A viewer reads all of it and can change none of it.
        var viewer = await AppBrowser.SignInAsync(browser, tenant, vic);
        await AppBrowser.GoAsync(viewer, "#/goals/eco-leads");
        await Assertions.Expect(viewer.Locator("#goal-progress")).ToContainTextAsync("75 of 100", new() { Timeout = 10_000 });
        await Assertions.Expect(viewer.Locator("#checkin-form")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.Locator("#edit-goal")).ToHaveCountAsync(0);
        await AppBrowser.GoAsync(viewer, "#/campaigns/eco");
        await Assertions.Expect(viewer.Locator("[data-activity-id=press-briefing]")).ToBeVisibleAsync(Live);
        await Assertions.Expect(viewer.Locator("#edit-campaign")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.Locator("[data-action=edit-activity]")).ToHaveCountAsync(0);
        await AppBrowser.GoAsync(viewer, "#/feed");
        await Assertions.Expect(viewer.Locator("[data-testid=announce-not-allowed]")).ToBeVisibleAsync();
        await AppBrowser.GoAsync(viewer, "#/reviews");
        await Assertions.Expect(viewer.Locator("form.freeze")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.Locator("[data-nav=settings]")).ToHaveCountAsync(0);
        await AppBrowser.CheckAsync(viewer, "collab-viewer-reviews");
    }

    /// <summary>A datetime-local value in UTC (the organization's default time zone).</summary>
    private static string Wall(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
}
