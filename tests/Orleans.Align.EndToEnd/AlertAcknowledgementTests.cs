using System.Net;
using System.Text.Json.Nodes;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// <c>POST /api/v1/feed/{id}/acknowledge</c>: someone says they are on an alert. Sales feedback is an
/// alert that exists the moment it is posted, so these tests need no goal to slip.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AlertAcknowledgementTests(AlignSystem system)
{
    /// <summary>A tenant with a goal that has not started (no pace alerts) and one sales feedback alert on it.</summary>
    private async Task<(Tenant Tenant, long AlertId)> TenantWithAnAlertAsync(string prefix)
    {
        var tenant = await system.CreateTenantAsync(prefix);
        await tenant.SeedOrganizationAsync();
        await tenant.CreateGoalAsync(Goal("brief", "leads", start: DateTimeOffset.UtcNow.AddDays(1)));
        await tenant.PostOkAsync("/api/v1/feed/announcements",
            new { from = "sales", to = new[] { "marketing" }, text = "These leads do not buy", goal = "brief", salesFeedback = true });
        var alert = Assert.Single((await tenant.GetOkAsync("/api/v1/feed?kind=alert")).AsArray())!;
        Assert.Equal("open", alert["state"]!.GetValue<string>());
        return (tenant, alert["id"]!.GetValue<long>());
    }

    private static string Acknowledge(long id) => $"/api/v1/feed/{id}/acknowledge";

    private static async Task<JsonNode> AlertAsync(Tenant tenant, long id) =>
        Assert.Single((await tenant.GetOkAsync("/api/v1/feed?kind=alert")).AsArray(), e => e!["id"]!.GetValue<long>() == id)!;

    [Fact]
    public async Task A_department_acknowledges_an_open_alert_and_the_state_filter_finds_it()
    {
        var (tenant, id) = await TenantWithAnAlertAsync("ack");

        var acknowledged = await tenant.PostOkAsync(Acknowledge(id), new { department = "marketing" });

        Assert.Equal(("acknowledged", "marketing"), (acknowledged["state"]!.GetValue<string>(), acknowledged["acknowledgedBy"]!.GetValue<string>()));
        Assert.NotNull(acknowledged["acknowledgedAt"]);
        Assert.Equal([id], (await tenant.GetOkAsync("/api/v1/feed?state=acknowledged")).AsArray().Select(e => e!["id"]!.GetValue<long>()));
        Assert.Empty((await tenant.GetOkAsync("/api/v1/feed?state=open")).AsArray());
    }

    [Fact]
    public async Task Without_a_department_the_alert_is_acknowledged_by_the_keys_name_and_the_first_acknowledgement_stands()
    {
        var (tenant, id) = await TenantWithAnAlertAsync("ack-key");
        var ingestKey = (await tenant.PostOkAsync("/api/v1/keys", new { name = "crm-sync", scopes = new[] { "ingest" } }))["apiKey"]!.GetValue<string>();

        using var first = await tenant.SendAsync(HttpMethod.Post, Acknowledge(id), new { }, ingestKey);
        using var second = await tenant.SendAsync(HttpMethod.Post, Acknowledge(id), new { department = "sales" });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.Equal("crm-sync", JsonNode.Parse(await second.Content.ReadAsStringAsync())!["acknowledgedBy"]!.GetValue<string>());
        Assert.Equal("crm-sync", (await AlertAsync(tenant, id))["acknowledgedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_acknowledgements_are_refused_and_change_nothing()
    {
        var (tenant, id) = await TenantWithAnAlertAsync("ack-bad");
        var announcement = (await tenant.GetOkAsync("/api/v1/feed?kind=announcement")).AsArray().Single()!["id"]!.GetValue<long>();
        var before = (await tenant.GetOkAsync("/api/v1/feed?limit=500")).ToJsonString();

        await tenant.AssertStatusAsync(HttpMethod.Post, "/api/v1/feed/first/acknowledge", new { }, HttpStatusCode.BadRequest);
        await tenant.AssertStatusAsync(HttpMethod.Post, "/api/v1/feed/0/acknowledge", new { }, HttpStatusCode.BadRequest);
        await tenant.AssertStatusAsync(HttpMethod.Post, Acknowledge(id), new { department = "Not An Id" }, HttpStatusCode.BadRequest);
        await tenant.AssertStatusAsync(HttpMethod.Post, Acknowledge(id), new { department = "finance" }, HttpStatusCode.BadRequest);
        await tenant.AssertStatusAsync(HttpMethod.Post, Acknowledge(9_999), new { }, HttpStatusCode.NotFound);
        await tenant.AssertStatusAsync(HttpMethod.Post, Acknowledge(announcement), new { }, HttpStatusCode.Conflict);
        await tenant.AssertStatusAsync(HttpMethod.Get, "/api/v1/feed?state=closed", null, HttpStatusCode.BadRequest);

        Assert.Equal(before, (await tenant.GetOkAsync("/api/v1/feed?limit=500")).ToJsonString());
    }

    [Fact]
    public async Task A_read_key_cannot_acknowledge()
    {
        var (tenant, id) = await TenantWithAnAlertAsync("ack-read");
        var readKey = await tenant.CreateReadKeyAsync();

        await tenant.AssertStatusAsync(HttpMethod.Post, Acknowledge(id), new { department = "sales" }, HttpStatusCode.Forbidden, readKey);

        Assert.Equal("open", (await AlertAsync(tenant, id))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_organization_cannot_acknowledge_an_alert()
    {
        var (owner, id) = await TenantWithAnAlertAsync("ack-owner");
        var intruder = await system.CreateTenantAsync("ack-intruder");
        foreach (var d in new[] { "marketing", "sales" }) await intruder.PostOkAsync("/api/v1/departments", new { id = d, name = d });

        await intruder.AssertStatusAsync(HttpMethod.Post, Acknowledge(id), new { department = "sales" }, HttpStatusCode.NotFound);

        Assert.Equal("open", (await AlertAsync(owner, id))["state"]!.GetValue<string>());
        Assert.Empty((await intruder.GetOkAsync("/api/v1/feed")).AsArray());
    }
}
