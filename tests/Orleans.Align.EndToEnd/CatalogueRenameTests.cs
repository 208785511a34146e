using System.Net;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>Renaming departments and campaigns (admins only): boards, scorecards and results follow; refusals change nothing.</summary>
[Collection(SystemCollection.Name)]
public sealed class CatalogueRenameTests(AlignSystem system)
{
    [Fact]
    public async Task A_renamed_department_and_campaign_show_their_new_names_on_their_boards_and_views()
    {
        var tenant = await system.CreateTenantAsync("rename");
        await tenant.SeedOrganizationAsync();
        await tenant.CreateGoalAsync(Goal("reach", "leads"));
        await tenant.IngestAsync(Event("l1", "leads", 4));
        await tenant.GetUntilAsync("/api/v1/campaigns/launch", c => c["totals"]?["events"].Number() == 1);
        Assert.Equal("Campaign launch war room", (await tenant.GetOkAsync("/api/v1/boards/campaign:launch"))["title"].Text());
        Assert.Equal("MARKETING scorecard", (await tenant.GetOkAsync("/api/v1/boards/department:marketing"))["title"].Text());

        var department = await tenant.PutOkAsync("/api/v1/departments/marketing", new { name = "Growth marketing" });
        // A campaign's PUT takes its whole editable definition: the same departments, a new name.
        var campaign = await tenant.PutOkAsync("/api/v1/campaigns/launch", new { name = "Autumn launch", departments = new[] { "marketing", "pr", "sales" } });

        Assert.Equal("Growth marketing", department["name"].Text());
        Assert.Equal("Autumn launch", campaign["name"].Text());
        Assert.Equal(1, campaign["totals"]!["events"].Number()); // the results are kept (recomputed from the log)
        Assert.Equal("Autumn launch war room", (await tenant.GetOkAsync("/api/v1/boards/campaign:launch"))["title"].Text());
        Assert.Equal("Growth marketing scorecard", (await tenant.GetOkAsync("/api/v1/boards/department:marketing"))["title"].Text());
        Assert.Equal("Growth marketing", (await tenant.GetOkAsync("/api/v1/departments/marketing/scorecard"))["name"].Text());
        Assert.Contains((await tenant.GetOkAsync("/api/v1/departments")).AsArray(), d => d!["name"].Text() == "Growth marketing");
        Assert.Contains((await tenant.GetOkAsync("/api/v1/campaigns")).AsArray(), c => c!["name"].Text() == "Autumn launch");
        var audit = (await tenant.GetOkAsync("/api/v1/audit?action=department.renamed"))["entries"]!.AsArray();
        Assert.Equal("marketing", Assert.Single(audit)!["target"]!["id"].Text());
        var changed = Assert.Single((await tenant.GetOkAsync("/api/v1/audit?action=campaign.changed"))["entries"]!.AsArray())!;
        Assert.Equal("name", changed["detail"]!["fields"].Text());
    }

    [Fact]
    public async Task Only_admins_rename_and_refusals_change_nothing()
    {
        var tenant = await system.CreateTenantAsync("renref");
        await tenant.SeedOrganizationAsync();
        var other = await system.CreateTenantAsync("renoth");
        using var lead = await tenant.SignInAsync(await tenant.AddPersonAsync("lead", "marketing"));
        using var viewer = await tenant.SignInAsync(await tenant.AddPersonAsync("viewer"));

        foreach (var path in new[] { "/api/v1/departments/marketing", "/api/v1/campaigns/launch" })
        {
            using (var foreign = await other.SendAsync(HttpMethod.Put, path, new { name = "Taken" })) await AssertProblemAsync(foreign, 404);
            using (var empty = await tenant.SendAsync(HttpMethod.Put, path, new { name = "" })) await AssertProblemAsync(empty, 400, "name");
            using (var unknown = await tenant.SendAsync(HttpMethod.Put, path, new { name = "X", id = "other" })) await AssertProblemAsync(unknown, 400);
            using (var tooLong = await tenant.SendAsync(HttpMethod.Put, path, new { name = new string('n', 201) })) await AssertProblemAsync(tooLong, 400);
            Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Put, path, new { name = "By a lead" }));
            Assert.Equal(HttpStatusCode.Forbidden, await viewer.StatusAsync(HttpMethod.Put, path, new { name = "By a viewer" }));
        }
        using (var missing = await tenant.SendAsync(HttpMethod.Put, "/api/v1/departments/nobody", new { name = "Nobody" })) await AssertProblemAsync(missing, 404);

        Assert.Equal("MARKETING", (await tenant.GetOkAsync("/api/v1/departments")).AsArray().Single(d => d!["id"].Text() == "marketing")!["name"].Text());
        Assert.Equal("Campaign launch", (await tenant.GetOkAsync("/api/v1/campaigns")).AsArray().Single(c => c!["id"].Text() == "launch")!["name"].Text());
        // Refused attempts are in the audit log as failed, none as succeeded.
        Assert.All((await tenant.GetOkAsync("/api/v1/audit?action=department.renamed"))["entries"]!.AsArray(), e => Assert.Equal("failed", e!["outcome"].Text()));
    }
}
