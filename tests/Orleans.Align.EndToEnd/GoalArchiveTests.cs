using System.Net;
using System.Text.Json.Nodes;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Archiving and restoring a goal against the real processes: it leaves boards, scorecards, lists and
/// its parent's roll-up, keeps its history and provenance, takes no check-ins; restored, it is back
/// with what arrived meanwhile.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class GoalArchiveTests(AlignSystem system)
{
    private static bool Shows(JsonNode board, string goal) => board["goals"]!.AsArray().Any(g => g!["id"].Text() == goal);

    [Fact]
    public async Task An_archived_goal_leaves_boards_lists_and_roll_ups_and_a_restored_one_returns_with_what_it_missed()
    {
        var tenant = await system.CreateTenantAsync("garch");
        await tenant.SeedOrganizationAsync();
        var parent = Goal("okr", metric: null, target: null);
        parent["rollUp"] = "children";
        await tenant.CreateGoalAsync(parent);
        var leads = Goal("leads", "leads", target: 100);
        leads["parent"] = "okr";
        var visits = Goal("visits", "visits", target: 10);
        visits["parent"] = "okr";
        await tenant.CreateGoalAsync(leads);
        await tenant.CreateGoalAsync(visits);
        await tenant.IngestAsync(Event("l1", "leads", 50), Event("v1", "visits", 10));
        await tenant.GoalWhenAsync("okr", g => g["percent"].Number() == 75);
        await tenant.GetUntilAsync("/api/v1/boards/campaign:launch", b => Shows(b, "visits"));
        await using var overview = new BoardViewer(system.Gateway, tenant.ApiKey, "overview");
        await overview.StartAsync();
        Assert.Equal(10, overview.Progress("visits"));

        var archived = await tenant.PostOkAsync("/api/v1/goals/visits/archive", new { });
        Assert.True(archived["archived"]!.GetValue<bool>());

        // Off every board (live too), off its department's scorecard, out of its parent's roll-up and the default list.
        await WaitAsync(() => overview.Progress("visits") is null, "the overview still shows the archived goal");
        foreach (var board in new[] { "overview", "campaign:launch", "department:marketing" })
            Assert.False(Shows(await tenant.GetOkAsync($"/api/v1/boards/{board}"), "visits"), board);
        await tenant.GetUntilAsync("/api/v1/departments/marketing/scorecard", s => s["goals"]!.AsArray().All(g => g!["goalId"].Text() != "visits"));
        await tenant.GoalWhenAsync("okr", g => g["percent"].Number() == 50);
        Assert.DoesNotContain((await tenant.GetOkAsync("/api/v1/goals")).AsArray(), g => g!["id"].Text() == "visits");
        Assert.Equal(["visits"], (await tenant.GetOkAsync("/api/v1/goals?archived=true")).AsArray().Select(g => g!["id"].Text()));

        // Still readable: the goal, its history, its provenance, its definition history.
        Assert.True((await tenant.GetOkAsync("/api/v1/goals/visits"))["archived"]!.GetValue<bool>());
        Assert.NotEmpty((await tenant.GetOkAsync("/api/v1/goals/visits/history")).AsArray());
        Assert.Single((await tenant.GetOkAsync("/api/v1/goals/visits/events"))["events"]!.AsArray());
        var change = Assert.Single((await tenant.GetOkAsync("/api/v1/goals/visits/definitions")).AsArray())!;
        Assert.Equal(["archived"], change["fields"]!.AsArray().Select(f => f.Text()));

        // No check-ins; archiving again changes nothing.
        using (var checkIn = await tenant.SendAsync(HttpMethod.Post, "/api/v1/goals/visits/check-ins", new { department = "marketing", confidence = 5 }))
            await AssertProblemAsync(checkIn, 409);
        await tenant.PostOkAsync("/api/v1/goals/visits/archive", new { });
        Assert.Single((await tenant.GetOkAsync("/api/v1/goals/visits/definitions")).AsArray());

        // Events that arrive meanwhile are in the log; restored, the goal reads them and is back everywhere.
        await tenant.IngestAsync(Event("v2", "visits", 5));
        var restored = await tenant.PostOkAsync("/api/v1/goals/visits/restore", new { });
        Assert.False(restored["archived"]!.GetValue<bool>());
        Assert.Equal(15, restored["progress"].Number());
        await WaitAsync(() => overview.Progress("visits") == 15, "the overview never showed the restored goal");
        await tenant.GetUntilAsync("/api/v1/boards/department:marketing", b => Shows(b, "visits"));
        await tenant.GoalWhenAsync("okr", g => g["percent"].Number() == 75);
        Assert.Contains((await tenant.GetOkAsync("/api/v1/goals")).AsArray(), g => g!["id"].Text() == "visits");
        Assert.Empty((await tenant.GetOkAsync("/api/v1/goals?archived=true")).AsArray());

        // It is routed again: new events move it.
        await tenant.IngestAsync(Event("v3", "visits", 1));
        await tenant.GoalWhenAsync("visits", g => g["progress"].Number() == 16);
        await tenant.PostOkAsync("/api/v1/goals/visits/check-ins", new { department = "marketing", confidence = 5 });

        var audit = (await tenant.GetOkAsync("/api/v1/audit?action=goal"))["entries"]!.AsArray().Select(e => e!["action"].Text()).ToList();
        Assert.Contains("goal.archived", audit);
        Assert.Contains("goal.restored", audit);
    }

    [Fact]
    public async Task Only_who_may_change_a_goal_archives_or_restores_it_and_another_organization_finds_nothing()
    {
        var tenant = await system.CreateTenantAsync("garole");
        await tenant.SeedOrganizationAsync();
        await tenant.CreateGoalAsync(Goal("reach", "leads"));
        var other = await system.CreateTenantAsync("garoth");

        using (var foreign = await other.SendAsync(HttpMethod.Post, "/api/v1/goals/reach/archive", new { })) await AssertProblemAsync(foreign, 404);
        using (var bad = await tenant.SendAsync(HttpMethod.Get, "/api/v1/goals?archived=perhaps")) await AssertProblemAsync(bad, 400);
        using var viewer = await tenant.SignInAsync(await tenant.AddPersonAsync("viewer"));
        using var salesLead = await tenant.SignInAsync(await tenant.AddPersonAsync("lead", "sales"));
        using var marketingLead = await tenant.SignInAsync(await tenant.AddPersonAsync("lead", "marketing"));

        Assert.Equal(HttpStatusCode.Forbidden, await viewer.StatusAsync(HttpMethod.Post, "/api/v1/goals/reach/archive", new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await salesLead.StatusAsync(HttpMethod.Post, "/api/v1/goals/reach/archive", new { }));
        Assert.False((await tenant.GetOkAsync("/api/v1/goals/reach"))["archived"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.OK, await marketingLead.StatusAsync(HttpMethod.Post, "/api/v1/goals/reach/archive", new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await salesLead.StatusAsync(HttpMethod.Post, "/api/v1/goals/reach/restore", new { }));
        Assert.True((await tenant.GetOkAsync("/api/v1/goals/reach"))["archived"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, await marketingLead.StatusAsync(HttpMethod.Post, "/api/v1/goals/reach/restore", new { }));
        Assert.False((await tenant.GetOkAsync("/api/v1/goals/reach"))["archived"]!.GetValue<bool>());
    }

    private static async Task WaitAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failure);
            await Task.Delay(50);
        }
    }
}
