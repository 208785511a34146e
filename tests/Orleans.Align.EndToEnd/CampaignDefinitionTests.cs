using System.Net;
using System.Text.Json.Nodes;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// <c>PUT /api/v1/campaigns/{id}</c> takes the campaign's whole editable definition (name, departments,
/// launch window), validated as on creation: a moved window recounts the targets that follow it, a
/// department in charge of an activity cannot be left out, and refusals change nothing.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CampaignDefinitionTests(AlignSystem system)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Campaign eco (marketing, pr, sales) launched two days ago, with a press briefing (pr) targeting 40 mentions over the launch window.</summary>
    private async Task<Tenant> SeedAsync(string prefix)
    {
        var tenant = await system.CreateTenantAsync(prefix);
        await SeedAsync(tenant);
        return tenant;
    }

    private static async Task SeedAsync(Tenant tenant)
    {
        await tenant.SeedOrganizationAsync("launch");
        await tenant.PostOkAsync("/api/v1/campaigns", new
        {
            id = "eco", name = "Eco line", departments = new[] { "marketing", "pr", "sales" },
            launch = new { start = Now.AddDays(-2), end = Now.AddDays(2) },
            activities = new[] { new { id = "briefing", department = "pr", name = "Press briefing", metrics = new[] { "media_mentions" }, targets = new[] { new { metric = "media_mentions", target = 40 } } } },
        });
    }

    private static object Mention(string id, double value, DateTimeOffset at) =>
        new { id, metric = "media_mentions", value, timestamp = at, campaign = "eco", department = "pr", activity = "briefing", source = "e2e" };

    private static JsonNode Target(JsonNode campaign) => campaign["activities"]!.AsArray().Single(a => a!["id"].Text() == "briefing")!["targets"]![0]!;

    [Fact]
    public async Task A_changed_launch_window_and_departments_are_kept_and_the_targets_recounted_from_the_log()
    {
        var tenant = await SeedAsync("cdef");
        await tenant.IngestAsync(Mention("m-old", 5, Now.AddDays(-4)), Mention("m-new", 2, Now.AddHours(-1)));
        await tenant.GetUntilAsync("/api/v1/campaigns/eco", c => c["totals"]?["events"].Number() == 2);
        Assert.Equal(2, Target(await tenant.GetOkAsync("/api/v1/campaigns/eco"))["value"].Number());

        var start = Now.AddDays(-7);
        var changed = await tenant.PutOkAsync("/api/v1/campaigns/eco", new
        {
            id = "eco", name = "Eco line 2", departments = new[] { "pr", "marketing" }, launch = new { start, end = Now.AddDays(5) },
        });

        Assert.Equal("Eco line 2", changed["name"].Text());
        Assert.Equal(["pr", "marketing"], changed["departments"]!.AsArray().Select(d => d.Text()));
        Assert.Equal(start, changed["launchStart"]!.GetValue<DateTimeOffset>());
        Assert.Equal(7, Target(changed)["value"].Number()); // the mention four days ago is inside the moved window
        Assert.Equal(2, changed["totals"]!["events"].Number());
        var listed = (await tenant.GetOkAsync("/api/v1/campaigns")).AsArray().Single(c => c!["id"].Text() == "eco")!;
        Assert.Equal(["pr", "marketing"], listed["departments"]!.AsArray().Select(d => d.Text()));
        Assert.Single(listed["activities"]!.AsArray()); // activities are kept
        Assert.Equal("Eco line 2 war room", (await tenant.GetOkAsync("/api/v1/boards/campaign:eco"))["title"].Text());

        var audit = Assert.Single((await tenant.GetOkAsync("/api/v1/audit?action=campaign.changed"))["entries"]!.AsArray())!;
        Assert.Equal("name,departments,launch", audit["detail"]!["fields"].Text());
    }

    [Fact]
    public async Task Leaving_out_a_department_in_charge_of_an_activity_is_a_conflict_naming_the_activity()
    {
        var tenant = await SeedAsync("cdep");
        using var refused = await tenant.SendAsync(HttpMethod.Put, "/api/v1/campaigns/eco", new
        {
            name = "Eco line", departments = new[] { "marketing", "sales" }, launch = new { start = Now.AddDays(-2), end = Now.AddDays(2) },
        });
        var problem = await AssertProblemAsync(refused, 409);
        Assert.Contains("briefing", problem["detail"].Text());
        Assert.Contains("pr", problem["detail"].Text());
        Assert.Equal(3, (await tenant.GetOkAsync("/api/v1/campaigns/eco"))["departments"]!.AsArray().Count);
    }

    public static TheoryData<string, int, string?> Refusals => new()
    {
        // Validated as on creation: unknown fields (activities have their own PUT), bad ids, an inverted window.
        { """{"name":"Eco","departments":["marketing","pr"],"activities":[]}""", 400, null },
        { """{"name":"Eco","departments":["Marketing!"]}""", 400, "departments[0]" },
        { """{"name":"","departments":["pr"]}""", 400, "name" },
        { """{"departments":["pr"]}""", 400, "name" },
        { """{"id":"other","name":"Eco","departments":["pr"]}""", 400, "id" },
        { """{"name":"Eco","departments":["pr"],"launch":{"start":"2026-09-30T00:00:00Z","end":"2026-09-01T00:00:00Z"}}""", 400, "launch.end" },
        { """{"name":"Eco","departments":["pr","ghost"],"launch":{"start":"2026-09-01T00:00:00Z","end":"2026-09-30T00:00:00Z"}}""", 400, null },
        // The press briefing's target has no period of its own: the campaign keeps a launch window.
        { """{"name":"Eco","departments":["pr"]}""", 400, null },
        { """{"name":"Eco","departments":["pr"],"launch":{"start":"2026-09-01T00:00:00Z","end":"2026-09-30T00:00:00Z"},"owner":"pr"}""", 400, null },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task An_invalid_definition_is_refused_and_changes_nothing(string body, int status, string? field)
    {
        var tenant = await SharedTenant.GetAsync(system, "cdefbad", SeedAsync);
        var before = (await tenant.GetOkAsync("/api/v1/campaigns")).ToJsonString();
        using var answer = await tenant.SendAsync(HttpMethod.Put, "/api/v1/campaigns/eco", body);
        await AssertProblemAsync(answer, status, field);
        Assert.Equal(before, (await tenant.GetOkAsync("/api/v1/campaigns")).ToJsonString());
    }

    [Fact]
    public async Task Only_admins_and_leads_of_its_departments_change_a_campaign_and_another_organization_never_finds_it()
    {
        var tenant = await SeedAsync("cdefrole");
        await tenant.PostOkAsync("/api/v1/departments", new { id = "events", name = "Events" });
        var other = await system.CreateTenantAsync("cdefoth");
        using var lead = await tenant.SignInAsync(await tenant.AddPersonAsync("lead", "pr"));
        using var outsider = await tenant.SignInAsync(await tenant.AddPersonAsync("lead", "events"));
        var launch = new { start = Now.AddDays(-1), end = Now.AddDays(1) };
        var body = new { name = "Taken", departments = new[] { "pr" }, launch };
        using (var foreign = await other.SendAsync(HttpMethod.Put, "/api/v1/campaigns/eco", body)) await AssertProblemAsync(foreign, 404);
        // A lead of none of its departments cannot take it over by adding its own; a lead of pr cannot drop pr.
        Assert.Equal(HttpStatusCode.Forbidden, await outsider.StatusAsync(HttpMethod.Put, "/api/v1/campaigns/eco",
            new { name = "Taken", departments = new[] { "marketing", "pr", "sales", "events" }, launch }));
        Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Put, "/api/v1/campaigns/eco",
            new { name = "Taken", departments = new[] { "marketing", "sales" }, launch }));
        await tenant.AssertStatusAsync(HttpMethod.Put, "/api/v1/campaigns/eco", body, HttpStatusCode.Forbidden, await tenant.CreateReadKeyAsync());
        using (var missing = await tenant.SendAsync(HttpMethod.Put, "/api/v1/campaigns/nowhere", body)) await AssertProblemAsync(missing, 404);
        Assert.Equal("Eco line", (await tenant.GetOkAsync("/api/v1/campaigns/eco"))["name"].Text());
        // The lead of pr, which is in charge of the briefing, narrows the campaign down to pr.
        Assert.Equal(HttpStatusCode.OK, await lead.StatusAsync(HttpMethod.Put, "/api/v1/campaigns/eco", body));
        Assert.Equal(["pr"], (await tenant.GetOkAsync("/api/v1/campaigns/eco"))["departments"]!.AsArray().Select(d => d.Text()));
    }
}
