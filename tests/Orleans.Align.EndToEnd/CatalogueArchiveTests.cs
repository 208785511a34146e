using System.Net;
using System.Text.Json.Nodes;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Archiving and restoring campaigns and departments against the real processes (departments: admins;
/// campaigns: admins and leads of one of their departments): they
/// leave the lists and keep their results, scorecards, boards and history; events naming them are still
/// counted, so a restore is exact; goals are not archived with them; refusals change nothing.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CatalogueArchiveTests(AlignSystem system)
{
    private static IEnumerable<string> Ids(JsonNode list) => list.AsArray().Select(c => c!["id"].Text());

    [Fact]
    public async Task An_archived_campaign_leaves_the_list_keeps_its_results_and_war_room_and_a_restore_is_exact()
    {
        var tenant = await system.CreateTenantAsync("carch");
        await tenant.SeedOrganizationAsync("launch", "spring");
        await tenant.PutOkAsync("/api/v1/campaigns/launch/activities/webinar", new { department = "marketing", name = "Webinar", metrics = new[] { "leads" } });
        await tenant.CreateGoalAsync(Goal("reach", "leads"));
        var link = (await tenant.PostOkAsync("/api/v1/board-links", new { name = "war room wall", board = "campaign:launch" }))["link"].Text();
        await tenant.IngestAsync(Event("l1", "leads", 4));
        await tenant.GetUntilAsync("/api/v1/campaigns/launch", c => c["totals"]?["events"].Number() == 1);
        await using var wall = new BoardViewer(system.Gateway, link, "campaign:launch");
        await wall.StartAsync();

        var archived = await tenant.PostOkAsync("/api/v1/campaigns/launch/archive", new { });
        Assert.True(archived["archived"]!.GetValue<bool>());
        Assert.Equal(1, archived["totals"]!["events"].Number());

        Assert.Equal(["spring"], Ids(await tenant.GetOkAsync("/api/v1/campaigns")));
        Assert.Equal(["launch"], Ids(await tenant.GetOkAsync("/api/v1/campaigns?archived=true")));
        Assert.True((await tenant.GetOkAsync("/api/v1/campaigns/launch"))["archived"]!.GetValue<bool>());
        // Goals scoped to it are not archived with it.
        Assert.False((await tenant.GetOkAsync("/api/v1/goals/reach"))["archived"]!.GetValue<bool>());
        // Archiving again answers the view and changes nothing.
        Assert.True((await tenant.PostOkAsync("/api/v1/campaigns/launch/archive", new { }))["archived"]!.GetValue<bool>());

        // An integration's late events naming the campaign and its activity are accepted and counted.
        var late = await tenant.IngestAsync(new { id = "l2", metric = "leads", value = 6, campaign = "launch", department = "marketing", activity = "webinar", source = "e2e" });
        Assert.Equal(1, late["accepted"].Number());
        var counted = await tenant.GetUntilAsync("/api/v1/campaigns/launch", c => c["totals"]?["events"].Number() == 2);
        Assert.Equal(1, counted["activities"]!.AsArray().Single(a => a!["id"].Text() == "webinar")!["totals"]!["events"].Number());
        await tenant.GoalWhenAsync("reach", g => g["progress"].Number() == 10);

        // The war room keeps working for whoever holds its link: live (the late event moved its goal) and read again.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (wall.Progress("reach") != 10)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the war room's wall screen never showed the late event (progress {wall.Progress("reach")})");
            await Task.Delay(50);
        }
        var board = await tenant.GetOkAsync("/api/v1/boards/campaign:launch", link);
        Assert.True(board["campaign"]!["archived"]!.GetValue<bool>());

        var restored = await tenant.PostOkAsync("/api/v1/campaigns/launch/restore", new { });
        Assert.False(restored["archived"]!.GetValue<bool>());
        Assert.Equal(2, restored["totals"]!["events"].Number());
        Assert.False((await tenant.PostOkAsync("/api/v1/campaigns/launch/restore", new { }))["archived"]!.GetValue<bool>());
        Assert.Equal(["launch", "spring"], Ids(await tenant.GetOkAsync("/api/v1/campaigns")).Order());
        Assert.Empty((await tenant.GetOkAsync("/api/v1/campaigns?archived=true")).AsArray());
        await tenant.GetUntilAsync("/api/v1/boards/campaign:launch", b => b["campaign"]?["archived"]?.GetValue<bool>() == false);

        var audit = (await tenant.GetOkAsync("/api/v1/audit?action=campaign"))["entries"]!.AsArray();
        Assert.Equal(2, audit.Count(e => e!["action"].Text() == "campaign.archived" && e["target"]!["id"].Text() == "launch" && e["outcome"].Text() == "succeeded"));
        Assert.Equal(2, audit.Count(e => e!["action"].Text() == "campaign.restored" && e["outcome"].Text() == "succeeded"));
    }

    [Fact]
    public async Task An_archived_department_leaves_the_list_keeps_its_scorecard_and_goals_and_counts_late_events()
    {
        var tenant = await system.CreateTenantAsync("darch");
        await tenant.SeedOrganizationAsync();
        await tenant.CreateGoalAsync(Goal("reach", "leads"));
        await tenant.IngestAsync(Event("l1", "leads", 2, department: "pr"));
        await tenant.GetUntilAsync("/api/v1/departments/pr/scorecard", s => s["totals"]?["events"].Number() == 1);

        var archived = await tenant.PostOkAsync("/api/v1/departments/pr/archive", new { });
        Assert.True(archived["archived"]!.GetValue<bool>());
        Assert.Equal(["marketing", "sales"], Ids(await tenant.GetOkAsync("/api/v1/departments")));
        var listed = Assert.Single((await tenant.GetOkAsync("/api/v1/departments?archived=true")).AsArray())!;
        Assert.Equal(("pr", true), (listed["id"].Text(), listed["archived"]!.GetValue<bool>()));
        Assert.True((await tenant.GetOkAsync("/api/v1/departments/pr/scorecard"))["archived"]!.GetValue<bool>());
        Assert.True((await tenant.PostOkAsync("/api/v1/departments/pr/archive", new { }))["archived"]!.GetValue<bool>());

        // Late events naming it are counted; the campaign it is part of keeps it.
        Assert.Equal(1, (await tenant.IngestAsync(Event("l2", "leads", 3, department: "pr")))["accepted"].Number());
        await tenant.GetUntilAsync("/api/v1/departments/pr/scorecard", s => s["totals"]?["events"].Number() == 2);
        await tenant.GoalWhenAsync("reach", g => g["progress"].Number() == 5);
        Assert.Contains("pr", (await tenant.GetOkAsync("/api/v1/campaigns/launch"))["departments"]!.AsArray().Select(d => d.Text()));
        Assert.True((await tenant.GetOkAsync("/api/v1/boards/department:pr"))["department"]!["archived"]!.GetValue<bool>());

        var restored = await tenant.PostOkAsync("/api/v1/departments/pr/restore", new { });
        Assert.False(restored["archived"]!.GetValue<bool>());
        Assert.Equal(2, restored["totals"]!["events"].Number());
        Assert.Equal(["marketing", "pr", "sales"], Ids(await tenant.GetOkAsync("/api/v1/departments")).Order());

        var audit = (await tenant.GetOkAsync("/api/v1/audit?action=department"))["entries"]!.AsArray().Select(e => e!["action"].Text()).ToList();
        Assert.Equal(2, audit.Count(a => a == "department.archived"));
        Assert.Single(audit, a => a == "department.restored");
    }

    [Fact]
    public async Task Only_admins_archive_departments_leads_only_campaigns_of_their_departments_and_refusals_change_nothing()
    {
        var tenant = await system.CreateTenantAsync("archref");
        await tenant.SeedOrganizationAsync();
        // A campaign of sales alone: not the marketing lead's (who may archive launch, see CampaignPlanningTests).
        await tenant.PostOkAsync("/api/v1/campaigns", new { id = "drive", name = "Sales drive", departments = new[] { "sales" } });
        var other = await system.CreateTenantAsync("archoth");
        using var lead = await tenant.SignInAsync(await tenant.AddPersonAsync("lead", "marketing"));
        using var viewer = await tenant.SignInAsync(await tenant.AddPersonAsync("viewer"));
        var read = await tenant.CreateReadKeyAsync();

        foreach (var path in new[] { "/api/v1/campaigns/drive", "/api/v1/departments/marketing" })
        {
            foreach (var verb in new[] { "archive", "restore" })
            {
                using (var foreign = await other.SendAsync(HttpMethod.Post, $"{path}/{verb}", new { })) await AssertProblemAsync(foreign, 404);
                await tenant.AssertStatusAsync(HttpMethod.Post, $"{path}/{verb}", new { }, HttpStatusCode.Forbidden, read);
                Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Post, $"{path}/{verb}", new { }));
                Assert.Equal(HttpStatusCode.Forbidden, await viewer.StatusAsync(HttpMethod.Post, $"{path}/{verb}", new { }));
            }
        }
        foreach (var path in new[] { "/api/v1/campaigns/nowhere/archive", "/api/v1/departments/nobody/archive", "/api/v1/campaigns/Bad%20Id/archive", "/api/v1/departments/Bad%20Id/restore" })
        {
            using var missing = await tenant.SendAsync(HttpMethod.Post, path, new { });
            await AssertProblemAsync(missing, 404);
        }
        using (var badQuery = await tenant.SendAsync(HttpMethod.Get, "/api/v1/campaigns?archived=maybe")) await AssertProblemAsync(badQuery, 400);

        Assert.Contains("launch", Ids(await tenant.GetOkAsync("/api/v1/campaigns")));
        Assert.Contains("drive", Ids(await tenant.GetOkAsync("/api/v1/campaigns")));
        Assert.Equal(3, (await tenant.GetOkAsync("/api/v1/departments")).AsArray().Count);
        Assert.Empty((await tenant.GetOkAsync("/api/v1/campaigns?archived=true")).AsArray());
        Assert.Empty((await tenant.GetOkAsync("/api/v1/departments?archived=true")).AsArray());
        Assert.All((await tenant.GetOkAsync("/api/v1/audit?action=campaign.archived"))["entries"]!.AsArray(), e => Assert.Equal("failed", e!["outcome"].Text()));
    }
}
