using System.Net;
using System.Text.Json.Nodes;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Leads plan integrated campaigns (<c>PlanCampaign</c>), over the real processes: a lead creates a
/// campaign with a department it leads among others, changes it as long as it leads one of its
/// departments before and after the change, and archives and restores it; a campaign without one of its
/// departments is refused (403 problem, nothing created or changed), and members and viewers plan
/// nothing. Departments themselves stay the admins'.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CampaignPlanningTests(AlignSystem system)
{
    private const string Campaigns = "/api/v1/campaigns";

    /// <summary>Departments marketing, pr and sales; a marketing lead, a marketing member and a viewer, signed in.</summary>
    private async Task<(Tenant Tenant, PersonBrowser Lead, PersonBrowser Member, PersonBrowser Viewer)> SeedAsync(string prefix)
    {
        var tenant = await system.CreateTenantAsync(prefix);
        await tenant.SeedOrganizationAsync();
        var lead = await tenant.SignInAsync(await tenant.AddPersonAsync("lead", "marketing"));
        var member = await tenant.SignInAsync(await tenant.AddPersonAsync("member", "marketing"));
        var viewer = await tenant.SignInAsync(await tenant.AddPersonAsync("viewer"));
        return (tenant, lead, member, viewer);
    }

    private static async Task<JsonNode> OkAsync(PersonBrowser person, HttpMethod method, string path, object? body, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await person.SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonNode> RefusedAsync(PersonBrowser person, HttpMethod method, string path, object? body = null)
    {
        using var response = await person.SendAsync(method, path, body);
        return await AssertProblemAsync(response, 403);
    }

    /// <summary>The audit entries of the action (or family) that record a success (a refusal is recorded as failed).</summary>
    private static async Task<IReadOnlyList<JsonNode>> SucceededAsync(Tenant tenant, string action) =>
        [.. (await tenant.GetOkAsync($"/api/v1/audit?action={action}&limit=500"))["entries"]!.AsArray().Where(e => e!["outcome"].Text() == "succeeded").Select(e => e!)];

    private static async Task<IReadOnlyList<string>> IdsAsync(Tenant tenant, bool archived = false) =>
        (await tenant.GetOkAsync(archived ? Campaigns + "?archived=true" : Campaigns)).AsArray().Select(c => c!["id"].Text()).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task A_lead_plans_a_campaign_with_a_department_it_leads_and_none_without_one()
    {
        var (tenant, lead, member, viewer) = await SeedAsync("cplan");
        using (lead) using (member) using (viewer)
        {
            var created = await OkAsync(lead, HttpMethod.Post, Campaigns, new
            {
                id = "spring", name = "Spring launch", departments = new[] { "marketing", "pr", "sales" },
                launch = new { start = DateTimeOffset.UtcNow.AddDays(1), end = DateTimeOffset.UtcNow.AddDays(3) },
                activities = new[] { new { id = "ads", department = "marketing", name = "Ads", metrics = new[] { "leads" } } },
            }, HttpStatusCode.Created);
            Assert.Equal(["marketing", "pr", "sales"], created["departments"]!.AsArray().Select(d => d.Text()));
            var audit = Assert.Single(await SucceededAsync(tenant, "campaign.created"), e => e["target"]!["id"].Text() == "spring");
            Assert.Equal("person", audit["actor"]!["kind"].Text());
            Assert.Equal("succeeded", audit["outcome"].Text());

            var before = await IdsAsync(tenant);
            // Without marketing: not the marketing lead's to plan.
            var problem = await RefusedAsync(lead, HttpMethod.Post, Campaigns, new { id = "drive", name = "Sales drive", departments = new[] { "sales", "pr" } });
            Assert.Contains("sales", problem["detail"].Text());
            // With marketing, but an activity in charge of sales: activities stay their leads' (as PUT .../activities does).
            await RefusedAsync(lead, HttpMethod.Post, Campaigns, new
            {
                id = "drive2", name = "Sales drive", departments = new[] { "marketing", "sales" },
                activities = new[] { new { id = "calls", department = "sales", name = "Calls", metrics = new[] { "leads" } } },
            });
            // Members and viewers plan nothing, even with marketing.
            await RefusedAsync(member, HttpMethod.Post, Campaigns, new { id = "m1", name = "Member's", departments = new[] { "marketing" } });
            await RefusedAsync(viewer, HttpMethod.Post, Campaigns, new { id = "v1", name = "Viewer's", departments = new[] { "marketing" } });
            Assert.Equal(before, await IdsAsync(tenant));
            Assert.Equal(before, (await lead.Http.GetFromJsonNodeAsync(Campaigns)).AsArray().Select(c => c!["id"].Text()).Order(StringComparer.Ordinal));

            // Departments themselves stay the admins'.
            await RefusedAsync(lead, HttpMethod.Post, "/api/v1/departments", new { id = "events", name = "Events" });
            await RefusedAsync(lead, HttpMethod.Put, "/api/v1/departments/marketing", new { name = "Brand" });
            await RefusedAsync(lead, HttpMethod.Post, "/api/v1/departments/marketing/archive");
            Assert.Equal("MARKETING", (await tenant.GetOkAsync("/api/v1/departments")).AsArray().Single(d => d!["id"].Text() == "marketing")!["name"].Text());
        }
    }

    [Fact]
    public async Task A_lead_changes_its_campaign_but_neither_takes_over_another_nor_drops_out_of_its_own()
    {
        var (tenant, lead, member, viewer) = await SeedAsync("cchg");
        using (lead) using (member) using (viewer)
        {
            await OkAsync(lead, HttpMethod.Post, Campaigns, new { id = "spring", name = "Spring", departments = new[] { "marketing", "pr" } }, HttpStatusCode.Created);
            await tenant.PostOkAsync(Campaigns, new { id = "drive", name = "Sales drive", departments = new[] { "sales", "pr" } });

            var changed = await OkAsync(lead, HttpMethod.Put, $"{Campaigns}/spring", new { name = "Spring, integrated", departments = new[] { "marketing", "pr", "sales" } });
            Assert.Equal("Spring, integrated", changed["name"].Text());
            Assert.Equal(3, changed["departments"]!.AsArray().Count);
            var audit = Assert.Single(await SucceededAsync(tenant, "campaign.changed"));
            Assert.Equal("person", audit["actor"]!["kind"].Text());
            Assert.Equal("name,departments", audit["detail"]!["fields"].Text());

            string Definition(JsonNode c) => $"{c["name"].Text()}|{string.Join(",", c["departments"]!.AsArray().Select(d => d.Text()))}";
            var spring = Definition(await tenant.GetOkAsync($"{Campaigns}/spring"));
            var drive = Definition(await tenant.GetOkAsync($"{Campaigns}/drive"));

            // Dropping marketing would leave the lead out of its own campaign: refused.
            var problem = await RefusedAsync(lead, HttpMethod.Put, $"{Campaigns}/spring", new { name = "Spring", departments = new[] { "pr", "sales" } });
            Assert.Contains("before and after", problem["detail"].Text());
            // Adding marketing to a campaign of sales and pr would take it over: refused (before counts too).
            await RefusedAsync(lead, HttpMethod.Put, $"{Campaigns}/drive", new { name = "Ours now", departments = new[] { "sales", "pr", "marketing" } });
            await RefusedAsync(lead, HttpMethod.Put, $"{Campaigns}/drive", new { name = "Renamed", departments = new[] { "sales", "pr" } });
            await RefusedAsync(member, HttpMethod.Put, $"{Campaigns}/spring", new { name = "Member's", departments = new[] { "marketing" } });
            await RefusedAsync(viewer, HttpMethod.Put, $"{Campaigns}/spring", new { name = "Viewer's", departments = new[] { "marketing" } });
            // A campaign that does not exist is not found, for a lead as for an admin.
            using (var missing = await lead.SendAsync(HttpMethod.Put, $"{Campaigns}/nope", new { name = "Nope", departments = new[] { "marketing" } }))
                await AssertProblemAsync(missing, 404);

            Assert.Equal(spring, Definition(await tenant.GetOkAsync($"{Campaigns}/spring")));
            Assert.Equal(drive, Definition(await tenant.GetOkAsync($"{Campaigns}/drive")));
            Assert.Single(await SucceededAsync(tenant, "campaign.changed"));
        }
    }

    [Fact]
    public async Task A_lead_archives_and_restores_a_campaign_of_its_department_and_no_other()
    {
        var (tenant, lead, member, viewer) = await SeedAsync("carch");
        using (lead) using (member) using (viewer)
        {
            await OkAsync(lead, HttpMethod.Post, Campaigns, new { id = "spring", name = "Spring", departments = new[] { "marketing", "sales" } }, HttpStatusCode.Created);
            await tenant.PostOkAsync(Campaigns, new { id = "drive", name = "Sales drive", departments = new[] { "sales" } });

            await RefusedAsync(member, HttpMethod.Post, $"{Campaigns}/spring/archive");
            await RefusedAsync(viewer, HttpMethod.Post, $"{Campaigns}/spring/archive");
            await RefusedAsync(lead, HttpMethod.Post, $"{Campaigns}/drive/archive");
            Assert.Contains("drive", await IdsAsync(tenant));
            Assert.Contains("spring", await IdsAsync(tenant));

            Assert.True((await OkAsync(lead, HttpMethod.Post, $"{Campaigns}/spring/archive", null))["archived"]!.GetValue<bool>());
            Assert.DoesNotContain("spring", await IdsAsync(tenant));
            Assert.Equal(["spring"], await IdsAsync(tenant, archived: true));

            await RefusedAsync(member, HttpMethod.Post, $"{Campaigns}/spring/restore");
            await RefusedAsync(viewer, HttpMethod.Post, $"{Campaigns}/spring/restore");
            await tenant.PostOkAsync($"{Campaigns}/drive/archive", new { });
            await RefusedAsync(lead, HttpMethod.Post, $"{Campaigns}/drive/restore");
            Assert.Equal(["drive", "spring"], await IdsAsync(tenant, archived: true));

            Assert.False((await OkAsync(lead, HttpMethod.Post, $"{Campaigns}/spring/restore", null))["archived"]?.GetValue<bool>() ?? false);
            Assert.Contains("spring", await IdsAsync(tenant));
            Assert.Equal(["drive"], await IdsAsync(tenant, archived: true));
            var actions = (await SucceededAsync(tenant, "campaign")).Where(e => e["target"]?["id"].Text() == "spring").Select(e => e["action"].Text()).ToList();
            Assert.Contains("campaign.archived", actions);
            Assert.Contains("campaign.restored", actions);
        }
    }
}

internal static class HttpClientJson
{
    public static async Task<JsonNode> GetFromJsonNodeAsync(this HttpClient http, string path) => JsonNode.Parse(await http.GetStringAsync(path))!;
}
