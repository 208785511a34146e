using System.Net;
using Microsoft.Playwright;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The goal pages in a real Chromium against the real gateway and silo: the alignment tree, the goal
/// form (create and edit, the API's messages beside the field they concern) and a goal's page (live
/// value, check-ins, "why this number", definition history, archive and restore), and what a viewer
/// may not do.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class GoalPagesBrowserTests(AlignSystem system)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 10_000 };

    private static ILocator TreeGoal(IPage page, string id) => page.Locator($".goal-tree article[data-goal-id=\"{id}\"]");

    [Fact]
    public async Task A_lead_creates_a_ratio_goal_and_a_joint_goal_through_the_form_and_a_bad_value_is_refused_beside_its_field()
    {
        var tenant = await system.CreateTenantAsync("gpf");
        await tenant.SeedLaunchAsync();
        // A company goal that rolls up its children: the joint goal is attached to it in the form.
        await tenant.PostOkAsync("/api/v1/goals", new
        {
            id = "company-growth", title = "Company growth", rollUp = "children", owners = new[] { "marketing", "sales" },
            start = DateTimeOffset.UtcNow.AddDays(-1), end = DateTimeOffset.UtcNow.AddDays(60),
        });
        var lead = await tenant.AddPersonAsync("lead", "marketing", "sales");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, lead);

        await AppBrowser.GoAsync(page, "#/goals");
        await Assertions.Expect(TreeGoal(page, "launch-leads")).ToBeVisibleAsync(Soon);
        await page.Locator("#new-goal").ClickAsync();
        await Assertions.Expect(page.Locator("#goal-form")).ToBeVisibleAsync(Soon);

        // A ratio goal whose target is not above its baseline: the API's message stands beside the target.
        await page.FillAsync("#field-title", "Launch conversion");
        await page.SelectOptionAsync("#field-metric", "conversion_rate");
        await page.FillAsync("#field-target", "0.05");
        await page.FillAsync("#field-baseline", "0.1");
        await page.Locator("[data-field=owners] input[value=marketing]").CheckAsync();
        await page.Locator("[data-field='scope.campaigns'] input[value=launch]").CheckAsync();
        await page.Locator("#save-goal").ClickAsync();
        await Assertions.Expect(page.Locator("[data-error-for=target]")).ToContainTextAsync("must be above the baseline", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#field-target")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#app-main .problem")).ToContainTextAsync("The goal was not saved");
        await Assertions.Expect(page.Locator("#field-target")).ToBeFocusedAsync();
        await AppBrowser.CheckAsync(page, "goal-form-errors");
        using (var missing = await tenant.SendAsync(HttpMethod.Get, "/api/v1/goals/launch-conversion"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        await page.FillAsync("#field-baseline", "0.01");
        await page.Locator("#save-goal").ClickAsync();
        await Assertions.Expect(page.Locator("#app-main .page-header h2")).ToHaveTextAsync("Launch conversion", new() { Timeout = 10_000 });
        Assert.EndsWith("#/goals/launch-conversion", page.Url);
        var ratio = await tenant.GetOkAsync("/api/v1/goals/launch-conversion");
        Assert.Equal("conversion_rate", ratio["metric"]!.GetValue<string>());
        Assert.Equal(0.05, ratio["target"]!.GetValue<double>());
        Assert.Equal("launch", ratio["scope"]!["campaigns"]![0]!.GetValue<string>());

        // An additive joint goal of two departments, under the company goal.
        await AppBrowser.GoAsync(page, "#/goals/new");
        await page.FillAsync("#field-title", "Joint launch leads");
        await page.SelectOptionAsync("#field-metric", "leads");
        await page.FillAsync("#field-target", "100");
        await page.Locator("[data-field=owners] input[value=marketing]").CheckAsync();
        await page.Locator("[data-field=owners] input[value=sales]").CheckAsync();
        await page.SelectOptionAsync("#field-parent", "company-growth");
        await page.FillAsync("#field-weight", "2");
        await page.Locator("#save-goal").ClickAsync();
        await Assertions.Expect(page.Locator("#app-main .page-header h2")).ToHaveTextAsync("Joint launch leads", new() { Timeout = 10_000 });
        var joint = await tenant.GetOkAsync("/api/v1/goals/joint-launch-leads");
        Assert.Equal(["marketing", "sales"], joint["owners"]!.AsArray().Select(o => o!.GetValue<string>()).Order());
        Assert.Equal("company-growth", joint["parentId"]!.GetValue<string>());

        // The tree: the joint goal nests under the company goal that rolls it up; the filter narrows by department.
        await AppBrowser.GoAsync(page, "#/goals");
        var parent = page.Locator("li:has(> article[data-goal-id=\"company-growth\"])");
        await Assertions.Expect(parent.Locator("ul.goal-children article[data-goal-id=\"joint-launch-leads\"]")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(parent.Locator("> article .rollup-note")).ToBeVisibleAsync();
        await Assertions.Expect(TreeGoal(page, "launch-conversion")).ToBeVisibleAsync();
        await Assertions.Expect(TreeGoal(page, "launch-conversion").Locator("[data-progress]")).ToContainTextAsync("5 %");
        await AppBrowser.CheckAsync(page, "goals-tree");
        await page.SelectOptionAsync("#goal-department-filter", "pr");
        await Assertions.Expect(page.Locator("#app-main")).ToContainTextAsync("No goals of this department.");
        await page.SelectOptionAsync("#goal-department-filter", "sales");
        await Assertions.Expect(TreeGoal(page, "joint-launch-leads")).ToBeVisibleAsync();
        await Assertions.Expect(TreeGoal(page, "launch-conversion")).ToHaveCountAsync(0);

        // The company goal's page lists what it rolls up, with the weight given in the form.
        await TreeGoal(page, "company-growth").Locator("h3 a").ClickAsync();
        var child = page.Locator("#goal-children [data-child=\"joint-launch-leads\"]");
        await Assertions.Expect(child).ToContainTextAsync("Joint launch leads", new() { Timeout = 10_000 });
        await Assertions.Expect(child.Locator("td").Nth(3)).ToContainTextAsync("2");
    }

    [Fact]
    public async Task A_goal_page_moves_live_takes_check_ins_explains_its_number_and_keeps_its_edits_archive_and_restore()
    {
        var tenant = await system.CreateTenantAsync("gpg");
        await tenant.SeedLaunchAsync(target: 100);
        var lead = await tenant.AddPersonAsync("lead", "marketing", "sales");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, lead);
        await AppBrowser.GoAsync(page, "#/goals/launch-leads");
        await Assertions.Expect(page.Locator("#goal-progress")).ToContainTextAsync("0 of 100", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#goal-confidence")).ToHaveTextAsync("No check-in yet");

        // Events posted through the API move the open page, with no reload.
        await tenant.PostEventsAsync(("e-1", 3), ("e-2", 4));
        await Assertions.Expect(page.Locator("#goal-progress")).ToContainTextAsync("7 of 100", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("#contributions [data-department=marketing]")).ToContainTextAsync("7");
        await tenant.PostEventsAsync(Enumerable.Range(3, 23).Select(i => ($"e-{i}", 1.0)).ToArray());
        await Assertions.Expect(page.Locator("#goal-progress")).ToContainTextAsync("30 of 100", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator(".goal-chart-plot canvas")).ToBeVisibleAsync(Soon);
        // A month-long goal opens per day; per minute (the last day) is one press away.
        await Assertions.Expect(page.Locator("#resolution-day")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Locator("#resolution-minute").ClickAsync();
        await Assertions.Expect(page.Locator("#resolution-minute")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page.Locator(".goal-chart-plot canvas")).ToBeVisibleAsync(Soon);
        await page.Locator("#resolution-day").ClickAsync();

        // "Why this number": the newest events first, twenty at a time, and the older ones on request.
        var rows = page.Locator("#why-this-number tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(20, new() { Timeout = 5_000 });
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-event-id", "e-25");
        await Assertions.Expect(rows.First).ToContainTextAsync("e2e");
        await Assertions.Expect(rows.First).ToContainTextAsync("MARKETING");
        await Assertions.Expect(rows.First).ToContainTextAsync("Launch");
        await page.Locator("#older-events").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(25);
        await Assertions.Expect(rows.Last).ToHaveAttributeAsync("data-event-id", "e-1");
        await Assertions.Expect(page.Locator("#older-events")).ToHaveCountAsync(0);

        // A check-in: a confidence out of range is refused beside its field; a good one shows at once.
        await page.SelectOptionAsync("#field-department", "marketing");
        await page.FillAsync("#field-confidence", "12");
        await page.Locator("#post-checkin").ClickAsync();
        await Assertions.Expect(page.Locator("[data-error-for=confidence]")).ToContainTextAsync("0 to 10", new() { Timeout = 5_000 });
        await page.FillAsync("#field-confidence", "9");
        await page.FillAsync("#field-note", "Pipeline looks strong");
        await page.Locator("#post-checkin").ClickAsync();
        await Assertions.Expect(page.Locator("#goal-confidence")).ToContainTextAsync("9/10", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("#check-ins .goal-checkin-list")).ToContainTextAsync("Pipeline looks strong", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("#confidence-mismatch")).ToHaveCountAsync(0);

        // Worried while the numbers are on track: the mismatch is shown.
        await page.SelectOptionAsync("#field-department", "sales");
        await page.FillAsync("#field-confidence", "1");
        await page.FillAsync("#field-note", "Prospects are stalling");
        await page.Locator("#post-checkin").ClickAsync();
        await Assertions.Expect(page.Locator("#goal-confidence")).ToContainTextAsync("1/10", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("#confidence-mismatch")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("#check-ins .goal-checkin-list li")).ToHaveCountAsync(2, new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("#check-ins .confidence-chart canvas")).ToBeVisibleAsync();
        await AppBrowser.CheckAsync(page, "goal-page");

        // Editing the target: the form starts from the definition; the definition history shows the change.
        await page.Locator("#edit-goal").ClickAsync();
        await Assertions.Expect(page.Locator("#field-target")).ToHaveValueAsync("100", new() { Timeout = 10_000 });
        await page.FillAsync("#field-target", "200");
        await page.Locator("#save-goal").ClickAsync();
        await Assertions.Expect(page.Locator("#goal-progress")).ToContainTextAsync("30 of 200", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#definition-history [data-field-changed=target]")).ToContainTextAsync("100 → 200", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("#definition-history")).ToContainTextAsync(lead);
        await Assertions.Expect(page.Locator(".definition-marks")).ToContainTextAsync("revision 1", new() { Timeout = 5_000 });

        // Archive: off the tree, no check-ins; the archived list restores it.
        await page.Locator("#archive-goal").ClickAsync();
        await Assertions.Expect(page.Locator("#archived-note")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("#checkin-form")).ToHaveCountAsync(0);
        Assert.True((await tenant.GetOkAsync("/api/v1/goals/launch-leads"))["archived"]!.GetValue<bool>());
        await AppBrowser.GoAsync(page, "#/goals");
        await Assertions.Expect(page.Locator("#app-main")).ToContainTextAsync("No goals yet.", new() { Timeout = 10_000 });
        await page.Locator("#toggle-archived").ClickAsync();
        var archivedRow = page.Locator(".archived-goals tr[data-goal-id=\"launch-leads\"]");
        await Assertions.Expect(archivedRow).ToBeVisibleAsync(Soon);
        await AppBrowser.CheckAsync(page, "goals-archived");
        await archivedRow.Locator("[data-restore]").ClickAsync();
        await Assertions.Expect(archivedRow).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await page.Locator("#toggle-archived").ClickAsync();
        await Assertions.Expect(TreeGoal(page, "launch-leads")).ToBeVisibleAsync(Soon);
        Assert.False((await tenant.GetOkAsync("/api/v1/goals/launch-leads"))["archived"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_viewer_reads_the_goals_but_gets_no_control_to_change_them_or_check_in()
    {
        var tenant = await system.CreateTenantAsync("gpv");
        await tenant.SeedLaunchAsync();
        await tenant.PostEventsAsync(("v-1", 5));
        var viewer = await tenant.AddPersonAsync("viewer");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, viewer);

        await AppBrowser.GoAsync(page, "#/goals");
        await Assertions.Expect(TreeGoal(page, "launch-leads")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("#new-goal")).ToHaveCountAsync(0);

        await TreeGoal(page, "launch-leads").Locator("h3 a").ClickAsync();
        await Assertions.Expect(page.Locator("#goal-progress")).ToContainTextAsync("5 of 100", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#why-this-number tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#edit-goal")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#archive-goal")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#checkin-form")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#checkin-not-allowed")).ToBeVisibleAsync();
        await AppBrowser.CheckAsync(page, "goal-page-viewer");

        // The form's address says what the viewer may not do, rather than offering a form the API refuses.
        await AppBrowser.GoAsync(page, "#/goals/launch-leads/edit");
        await Assertions.Expect(page.Locator("#app-main .problem")).ToContainTextAsync("Only an admin or a lead");
        await Assertions.Expect(page.Locator("#goal-form")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_member_checks_in_only_as_their_department_and_a_refusal_by_the_API_is_shown_plainly()
    {
        var tenant = await system.CreateTenantAsync("gpm");
        await tenant.SeedLaunchAsync();
        var member = await tenant.AddPersonAsync("member", "sales");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await AppBrowser.LaunchAsync(playwright);
        var page = await AppBrowser.SignInAsync(browser, tenant, member);

        // By keyboard alone: the tree's link to the goal, then the check-in form.
        await AppBrowser.GoAsync(page, "#/goals");
        await Assertions.Expect(page.Locator("#new-goal")).ToHaveCountAsync(0);
        await TreeGoal(page, "launch-leads").Locator("h3 a").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#checkin-form")).ToBeVisibleAsync(Soon);
        await Assertions.Expect(page.Locator("#edit-goal")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#archive-goal")).ToHaveCountAsync(0);
        // The goal is marketing's and sales'; a member of sales checks in as sales only.
        await Assertions.Expect(page.Locator("#field-department option")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#field-department option")).ToHaveAttributeAsync("value", "sales");
        await page.Locator("#field-confidence").FocusAsync();
        await page.Keyboard.TypeAsync("6");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("On plan");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#post-checkin")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#goal-confidence")).ToContainTextAsync("6/10", new() { Timeout = 5_000 });

        // An admin moves the member to PR while the page is open: the next check-in as sales is
        // refused by the API, and the page says why.
        // The page's own session (its cookies, through the browser context) tells when the change has
        // reached it; until then its probe is the same check-in again, so what the page shows stays the same.
        await RoleChangeTests.ChangeOkAsync(tenant, member, "member", "pr");
        var me = await page.Context.APIRequest.GetAsync(new Uri(tenant.System.Gateway, "/api/v1/me").ToString());
        var csrf = (await me.JsonAsync())!.Value.GetProperty("csrfToken").GetString()!;
        await RoleChangeTests.WithinPropagationAsync(HttpStatusCode.Forbidden, async () =>
        {
            var probe = await page.Context.APIRequest.PostAsync(new Uri(tenant.System.Gateway, "/api/v1/goals/launch-leads/check-ins").ToString(), new()
            {
                DataObject = new { department = "sales", confidence = 6, note = "On plan" },
                Headers = new Dictionary<string, string> { ["X-CSRF-TOKEN"] = csrf },
            });
            return (HttpStatusCode)probe.Status;
        }, "the member's move to PR");
        await page.FillAsync("#field-confidence", "7");
        await page.Locator("#post-checkin").ClickAsync();
        await Assertions.Expect(page.Locator("#checkin-form .problem")).ToContainTextAsync("Your role does not allow this for sales", new() { Timeout = 5_000 });
        await AppBrowser.CheckAsync(page, "goal-page-member-refused");
        await Assertions.Expect(page.Locator("#goal-confidence")).ToContainTextAsync("6/10");
    }
}
