using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Inbound webhook sources against the real system: for each preset (HubSpot, Shopify, Stripe,
/// Standard Webhooks) a delivery signed as the tool documents it moves the goals; a bad signature and
/// a stale timestamp are 401s that are counted on the source and never stored; a replay of the same
/// delivery counts once; a payload that does not map is a 422 listed in the source's failures. The
/// signatures are computed here from each tool's documented recipe, not with the production code.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WebhookSourceTests(AlignSystem system)
{
    private static byte[] Hmac(string key, string message) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(message));

    private static long UnixSeconds(DateTimeOffset at) => at.ToUnixTimeSeconds();

    private static async Task GoalAsync(Tenant tenant, string id, string metric, string? campaign = null) =>
        await tenant.PostOkAsync("/api/v1/goals", new
        {
            id,
            title = id,
            metric,
            target = 1000,
            owners = new[] { "marketing", "sales" },
            scope = campaign is null ? null : new { campaign },
            start = DateTimeOffset.UtcNow.AddDays(-1),
            end = DateTimeOffset.UtcNow.AddDays(30),
        });

    private async Task<(HttpStatusCode Status, JsonNode? Body)> DeliverAsync(string sourceId, string body, IReadOnlyDictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sources/{sourceId}/webhook")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await system.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static async Task<(string Id, JsonNode Created)> CreateSourceAsync(Tenant tenant, object definition)
    {
        var created = await tenant.PostOkAsync("/api/v1/sources", definition);
        return (created["source"]!["id"].Text(), created);
    }

    private static async Task<JsonNode> CountersAsync(Tenant tenant, string sourceId) =>
        (await tenant.GetOkAsync($"/api/v1/sources/{sourceId}"))["counters"]!;

    private static double EventCount(JsonNode goal) => goal["eventCount"].Number()!.Value;

    /// <summary>
    /// The common script: bad signature (401), good delivery (200, goals move), the same again (duplicates),
    /// a stale one (401, when the scheme has a window), one that does not map (422), then a second good
    /// delivery: the goals show exactly the two good ones, so nothing refused was counted in between.
    /// </summary>
    private async Task RunScriptAsync(Tenant tenant, string sourceId, Func<string, (string Body, Dictionary<string, string> Headers)> good,
        Func<(string Body, Dictionary<string, string> Headers)> badSignature, Func<(string Body, Dictionary<string, string> Headers)>? stale,
        Func<(string Body, Dictionary<string, string> Headers)> unmapped, string unmappedReason, (string Goal, double PerDelivery)[] goals, int eventsPerDelivery)
    {
        var bad = badSignature();
        var (status, problem) = await DeliverAsync(sourceId, bad.Body, bad.Headers);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(401, problem!["status"].Number());

        var first = good("delivery-1");
        var (okStatus, receipt) = await DeliverAsync(sourceId, first.Body, first.Headers);
        Assert.True(okStatus == HttpStatusCode.OK, $"{okStatus} {receipt?.ToJsonString()}");
        Assert.Equal(("accepted", eventsPerDelivery, 0), (receipt!["outcome"].Text(), (int)receipt["accepted"].Number()!, (int)receipt["duplicates"].Number()!));
        foreach (var (goal, per) in goals) await tenant.GoalWhenAsync(goal, g => g["progress"].Number() == per);

        // The tool retries the same delivery: acknowledged, counted once.
        var (againStatus, again) = await DeliverAsync(sourceId, first.Body, first.Headers);
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.Equal((0, eventsPerDelivery), ((int)again!["accepted"].Number()!, (int)again["duplicates"].Number()!));

        var badSignatures = 1;
        if (stale is not null)
        {
            var old = stale();
            var (staleStatus, staleProblem) = await DeliverAsync(sourceId, old.Body, old.Headers);
            Assert.Equal(HttpStatusCode.Unauthorized, staleStatus);
            Assert.Contains("5-minute", staleProblem!["detail"].Text());
            badSignatures++;
        }

        var wrong = unmapped();
        var (unmappedStatus, unmappedProblem) = await DeliverAsync(sourceId, wrong.Body, wrong.Headers);
        Assert.Equal((HttpStatusCode)422, unmappedStatus);
        Assert.Contains(unmappedReason, unmappedProblem!["detail"].Text());

        var second = good("delivery-2");
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(sourceId, second.Body, second.Headers)).Status);
        foreach (var (goal, per) in goals)
        {
            var moved = await tenant.GoalWhenAsync(goal, g => g["progress"].Number() == 2 * per);
            Assert.Equal(2, EventCount(moved));
        }

        var failures = await tenant.GetOkAsync($"/api/v1/sources/{sourceId}/failures");
        Assert.Single(failures.AsArray());
        Assert.Contains(unmappedReason, failures[0]!["reason"].Text());
        Assert.Equal(wrong.Body.Length <= 2000 ? wrong.Body : wrong.Body[..2000], failures[0]!["payload"].Text());

        // Counters are written lazily but read from the grain: exact at once.
        var counters = await CountersAsync(tenant, sourceId);
        Assert.Equal(badSignatures, counters["badSignatures"].Number());
        Assert.Equal(1, counters["failed"].Number());
        Assert.Equal(2 * eventsPerDelivery, counters["eventsAccepted"].Number());
        Assert.Equal(eventsPerDelivery, counters["eventsDuplicate"].Number());
    }

    [Fact]
    public async Task HubSpot_new_contacts_are_leads_and_deals_closed_won_are_new_customers()
    {
        var tenant = await system.CreateTenantAsync("src-hubspot");
        await tenant.SeedLaunchAsync();
        await GoalAsync(tenant, "all-leads", "leads");
        await GoalAsync(tenant, "customers", "new_customers");
        const string Secret = "hubspot-app-client-secret-1234";
        var (sourceId, created) = await CreateSourceAsync(tenant, new { name = "HubSpot CRM", scheme = "hubspot", secret = Secret, mapping = new { department = "sales" } });
        Assert.Null(created["secret"]);
        var url = new Uri(system.Gateway, $"/api/v1/sources/{sourceId}/webhook").ToString();

        (string, Dictionary<string, string>) Signed(string body, DateTimeOffset at, string secret = Secret)
        {
            var ts = at.ToUnixTimeMilliseconds().ToString();
            return (body, new Dictionary<string, string>
            {
                ["X-HubSpot-Signature-v3"] = Convert.ToBase64String(Hmac(secret, "POST" + url + body + ts)),
                ["X-HubSpot-Request-Timestamp"] = ts,
                ["X-HubSpot-Signature-Version"] = "v3",
            });
        }
        // A batch as HubSpot sends it: a new contact, a deal moved to closed won, and a property change nobody counts.
        string Batch(string delivery)
        {
            var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var n = delivery == "delivery-1" ? 1 : 2;
            return $$"""
            [
              {"eventId":{{1000 + n}},"subscriptionId":2222,"portalId":62515,"appId":1160452,"occurredAt":{{at}},"subscriptionType":"contact.creation","attemptNumber":0,"objectId":{{5000 + n}},"changeFlag":"CREATED","changeSource":"CRM"},
              {"eventId":{{2000 + n}},"subscriptionId":2223,"portalId":62515,"appId":1160452,"occurredAt":{{at}},"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":{{7000 + n}},"propertyName":"dealstage","propertyValue":"closedwon","changeSource":"CRM"},
              {"eventId":{{3000 + n}},"subscriptionId":2224,"portalId":62515,"appId":1160452,"occurredAt":{{at}},"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":{{7000 + n}},"propertyName":"dealstage","propertyValue":"appointmentscheduled","changeSource":"CRM"}
            ]
            """;
        }

        await RunScriptAsync(tenant, sourceId,
            good: d => Signed(Batch(d), DateTimeOffset.UtcNow),
            badSignature: () => Signed(Batch("delivery-x"), DateTimeOffset.UtcNow, secret: "not-the-client-secret"),
            stale: () => Signed(Batch("delivery-3"), DateTimeOffset.UtcNow.AddMinutes(-6)),
            // A counted event without its eventId cannot be made exactly-once.
            unmapped: () => Signed($$"""[{"subscriptionId":2222,"portalId":62515,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.creation","objectId":9}]""", DateTimeOffset.UtcNow),
            unmappedReason: "no usable id",
            goals: [("all-leads", 1), ("customers", 1)],
            eventsPerDelivery: 2);
    }

    [Fact]
    public async Task Shopify_orders_are_orders_and_revenue_in_the_campaign_of_their_utm_parameters()
    {
        var tenant = await system.CreateTenantAsync("src-shopify");
        await tenant.SeedLaunchAsync();
        await GoalAsync(tenant, "launch-orders", "orders", campaign: "launch");
        await GoalAsync(tenant, "revenue", "revenue");
        const string Secret = "shpss_0123456789abcdef0123456789abcdef";
        var (sourceId, _) = await CreateSourceAsync(tenant, new { name = "Shop", scheme = "shopify", secret = Secret, mapping = new { department = "sales" } });

        (string, Dictionary<string, string>) Signed(string body, string topic = "orders/create", string secret = Secret, string? delivery = null) => (body, new Dictionary<string, string>
        {
            ["X-Shopify-Topic"] = topic,
            ["X-Shopify-Hmac-Sha256"] = Convert.ToBase64String(Hmac(secret, body)),
            ["X-Shopify-Shop-Domain"] = "align-demo.myshopify.com",
            ["X-Shopify-Webhook-Id"] = delivery ?? Guid.NewGuid().ToString(),
            ["X-Shopify-API-Version"] = "2025-10",
            ["X-Shopify-Triggered-At"] = DateTimeOffset.UtcNow.ToString("O"),
        });
        string Order(string delivery) => $$"""
            {"id":{{(delivery == "delivery-1" ? 820982911946154508 : 820982911946154509)}},"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","email":"jon@example.com",
             "created_at":"{{DateTimeOffset.UtcNow.AddMinutes(-1):yyyy-MM-ddTHH:mm:sszzz}}","currency":"EUR","total_price":"249.90","subtotal_price":"229.90","total_tax":"20.00",
             "landing_site":"/products/launch-kit?utm_source=newsletter&utm_medium=email&utm_campaign=Launch","referring_site":"https://mail.example.com/",
             "note_attributes":[],"line_items":[{"id":466157049,"title":"Launch kit","quantity":1,"price":"229.90"}]}
            """;
        var deliveries = new Dictionary<string, string>();
        string DeliveryId(string name) => deliveries.TryGetValue(name, out var id) ? id : deliveries[name] = Guid.NewGuid().ToString();

        await RunScriptAsync(tenant, sourceId,
            good: d => Signed(Order(d), delivery: DeliveryId(d)),
            badSignature: () => Signed(Order("delivery-x"), secret: "shpss_someone_else"),
            stale: null, // Shopify's scheme has no timestamp window
            unmapped: () => Signed("""{"id":1,"created_at":"2026-01-01T00:00:00Z","currency":"EUR","line_items":[]}"""),
            unmappedReason: "total_price is missing",
            goals: [("launch-orders", 1), ("revenue", 249.90)],
            eventsPerDelivery: 2);

        // An order update is acknowledged and counted as ignored, not as a failure (Shopify disables endpoints that keep failing).
        var update = Signed(Order("delivery-1"), topic: "orders/updated");
        var (status, receipt) = await DeliverAsync(sourceId, update.Item1, update.Item2);
        Assert.Equal((HttpStatusCode.OK, "ignored"), (status, receipt!["outcome"].Text()));
        Assert.Equal((1, 1), ((int)(await CountersAsync(tenant, sourceId))["ignored"].Number()!, (int)(await CountersAsync(tenant, sourceId))["failed"].Number()!));
    }

    [Fact]
    public async Task Stripe_completed_checkout_sessions_are_revenue_in_major_units_and_new_customers()
    {
        var tenant = await system.CreateTenantAsync("src-stripe");
        await tenant.SeedLaunchAsync();
        await GoalAsync(tenant, "launch-revenue", "revenue", campaign: "launch");
        await GoalAsync(tenant, "customers", "new_customers");
        const string Secret = "whsec_stripe0endpoint0secret0for0tests";
        var (sourceId, _) = await CreateSourceAsync(tenant, new { name = "Stripe", scheme = "stripe", secret = Secret, mapping = new { department = "sales" } });

        (string, Dictionary<string, string>) Signed(string body, DateTimeOffset at, string secret = Secret)
        {
            var t = UnixSeconds(at);
            return (body, new Dictionary<string, string> { ["Stripe-Signature"] = $"t={t},v1={Convert.ToHexStringLower(Hmac(secret, $"{t}.{body}"))}" });
        }
        string Event(string delivery, string amount = "4999", string currency = "\"usd\"") => $$$"""
            {"id":"evt_1Q{{{delivery.Replace("-", "")}}}","object":"event","api_version":"2024-06-20","created":{{{UnixSeconds(DateTimeOffset.UtcNow)}}},"type":"checkout.session.completed","livemode":false,
             "data":{"object":{"id":"cs_test_a1{{{delivery.Replace("-", "")}}}","object":"checkout.session","amount_subtotal":4999,"amount_total":{{{amount}}},"currency":{{{currency}}},
               "customer":"cus_NffrFeUfNV2Hib","customer_details":{"email":"jenny@example.com"},"metadata":{"utm_campaign":"launch","utm_source":"google"},
               "mode":"payment","payment_status":"paid","status":"complete"} } }
            """;

        await RunScriptAsync(tenant, sourceId,
            good: d => Signed(Event(d), DateTimeOffset.UtcNow),
            badSignature: () => Signed(Event("delivery-x"), DateTimeOffset.UtcNow, secret: "whsec_not_this_endpoint"),
            stale: () => Signed(Event("delivery-3"), DateTimeOffset.UtcNow.AddMinutes(-10)),
            unmapped: () => Signed(Event("delivery-4", currency: "null"), DateTimeOffset.UtcNow),
            unmappedReason: "currency field",
            goals: [("launch-revenue", 49.99), ("customers", 1)],
            eventsPerDelivery: 2);

        // A campaign the organization does not have: 422 and listed, and the answer names the campaign, not the organization.
        var unknown = Signed(Event("delivery-5").Replace("\"utm_campaign\":\"launch\"", "\"utm_campaign\":\"Winter Sale\""), DateTimeOffset.UtcNow);
        var (status, problem) = await DeliverAsync(sourceId, unknown.Item1, unknown.Item2);
        Assert.Equal((HttpStatusCode)422, status);
        Assert.Contains("campaign 'winter-sale'", problem!["detail"].Text());
        Assert.DoesNotContain(tenant.Id, problem.ToJsonString());
        Assert.Equal(2, (await tenant.GetOkAsync($"/api/v1/sources/{sourceId}/failures")).AsArray().Count);
    }

    [Fact]
    public async Task Standard_webhooks_map_with_the_organizations_own_rules_and_a_generated_secret()
    {
        var tenant = await system.CreateTenantAsync("src-standard");
        await tenant.SeedLaunchAsync();
        await GoalAsync(tenant, "launch-revenue", "revenue", campaign: "launch");
        var (sourceId, created) = await CreateSourceAsync(tenant, new
        {
            name = "Billing system",
            scheme = "standard-webhooks",
            mapping = new
            {
                rules = new object[] { new { when = "invoice.paid", metric = "revenue", valueField = "/data/amount" } },
                timestampField = "/timestamp",
                campaignField = "/data/campaign",
                departmentField = "/data/team",
            },
        });
        var secret = created["secret"].Text();
        Assert.StartsWith("whsec_", secret);
        // Shown once: never again.
        Assert.DoesNotContain(secret, (await tenant.GetOkAsync($"/api/v1/sources/{sourceId}")).ToJsonString());
        Assert.DoesNotContain(secret, (await tenant.GetOkAsync("/api/v1/sources")).ToJsonString());
        var key = Convert.FromBase64String(secret["whsec_".Length..]);

        var ids = new Dictionary<string, string>();
        (string, Dictionary<string, string>) Signed(string body, string delivery, DateTimeOffset at, byte[]? signingKey = null)
        {
            var id = ids.TryGetValue(delivery, out var known) ? known : ids[delivery] = "msg_" + Guid.NewGuid().ToString("N");
            var ts = UnixSeconds(at).ToString();
            var signature = Convert.ToBase64String(HMACSHA256.HashData(signingKey ?? key, Encoding.UTF8.GetBytes($"{id}.{ts}.{body}")));
            return (body, new Dictionary<string, string> { ["webhook-id"] = id, ["webhook-timestamp"] = ts, ["webhook-signature"] = $"v1,{signature}" });
        }
        string Paid(string amount = "120.5") => $$$"""{"type":"invoice.paid","timestamp":"{{{DateTimeOffset.UtcNow:O}}}","data":{"invoice":"in_1","amount":{{{amount}}},"team":"Sales","campaign":"Launch"}}""";

        await RunScriptAsync(tenant, sourceId,
            good: d => Signed(Paid(), d, DateTimeOffset.UtcNow),
            badSignature: () => Signed(Paid(), "delivery-x", DateTimeOffset.UtcNow, signingKey: new byte[32]),
            stale: () => Signed(Paid(), "delivery-3", DateTimeOffset.UtcNow.AddMinutes(6)),
            unmapped: () => Signed(Paid(amount: "\"a lot\""), "delivery-4", DateTimeOffset.UtcNow),
            unmappedReason: "is not a number",
            goals: [("launch-revenue", 120.5)],
            eventsPerDelivery: 1);

        // A rotated secret: the old one stops working at once, the new one (shown once) works.
        var rotated = await tenant.PostOkAsync($"/api/v1/sources/{sourceId}/secret", new { });
        var newKey = Convert.FromBase64String(rotated["secret"].Text()["whsec_".Length..]);
        var withOld = Signed(Paid(), "delivery-5", DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DeliverAsync(sourceId, withOld.Item1, withOld.Item2)).Status);
        var withNew = Signed(Paid(), "delivery-6", DateTimeOffset.UtcNow, signingKey: newKey);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(sourceId, withNew.Item1, withNew.Item2)).Status);
        await tenant.GoalWhenAsync("launch-revenue", g => g["progress"].Number() == 3 * 120.5);
    }

    [Fact]
    public async Task Another_organization_cannot_see_change_or_use_a_source_and_bad_definitions_are_refused()
    {
        var owner = await system.CreateTenantAsync("src-owner");
        var other = await system.CreateTenantAsync("src-other");
        var (sourceId, _) = await CreateSourceAsync(owner, new { name = "Shop", scheme = "shopify", secret = "shpss_owner_secret" });

        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Get, $"/api/v1/sources/{sourceId}", null),
            (HttpMethod.Get, $"/api/v1/sources/{sourceId}/failures", null),
            (HttpMethod.Put, $"/api/v1/sources/{sourceId}", new { name = "Mine now" }),
            (HttpMethod.Post, $"/api/v1/sources/{sourceId}/secret", new { secret = "shpss_attacker_secret" }),
            (HttpMethod.Delete, $"/api/v1/sources/{sourceId}", null),
        })
        {
            using var response = await other.SendAsync(method, path, body);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain(owner.Id, await response.Content.ReadAsStringAsync());
        }
        Assert.Empty((await other.GetOkAsync("/api/v1/sources")).AsArray());
        // The owner's source is untouched: its name, and its secret (the attacker's does not sign for it).
        Assert.Equal("Shop", (await owner.GetOkAsync($"/api/v1/sources/{sourceId}"))["name"].Text());
        const string Order = """{"id":1,"created_at":"2026-01-01T00:00:00Z","total_price":"10.00"}""";
        var (status, _) = await DeliverAsync(sourceId, Order, new Dictionary<string, string>
        {
            ["X-Shopify-Topic"] = "orders/create",
            ["X-Shopify-Webhook-Id"] = Guid.NewGuid().ToString(),
            ["X-Shopify-Hmac-Sha256"] = Convert.ToBase64String(Hmac("shpss_attacker_secret", Order)),
        });
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        // An unknown source (well-formed or not) is a 404, with no key needed to find out nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await DeliverAsync("src-aaaaaaaaaaaaaaaaaaaa", "{}", new Dictionary<string, string>())).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await DeliverAsync("nope", "{}", new Dictionary<string, string>())).Status);

        // Definitions are validated like every request: unknown members, missing secrets, bad pointers, no rules.
        foreach (var bad in new object[]
        {
            """{"name":"Shop","scheme":"shopify","secret":"shpss_owner_secret","secrett":"typo"}""",
            """{"name":"Shop","scheme":"shopify","secret":"shpss_owner_secret","mapping":{"rulez":[]}}""",
            """{"name":"Shop","scheme":"shopify","secret":"shpss_owner_secret","mapping":{"rules":[{"when":"orders/create","metric":"orders","valu":1}]}}""",
            new { name = "Shop", scheme = "shopify" },
            new { name = "Shop", scheme = "gitlab", secret = "whatever-secret" },
            new { name = "Stripe", scheme = "stripe", secret = "sk_live_not_a_webhook_secret" },
            new { name = "Billing", scheme = "standard-webhooks" },
            new { name = "Billing", scheme = "standard-webhooks", mapping = new { rules = new[] { new { when = "x", metric = "revenue", valueField = "data.amount" } } } },
        })
        {
            using var response = await owner.SendAsync(HttpMethod.Post, "/api/v1/sources", bad);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Single((await owner.GetOkAsync("/api/v1/sources")).AsArray());

        // Creating it is in the owner's audit log (with its scheme, never its secret).
        var audit = await owner.GetOkAsync("/api/v1/audit?action=source.created");
        // (The refused definitions that reached the endpoint are there too, as refusals.)
        var entry = Assert.Single(audit["entries"]!.AsArray(), e => e!["status"].Number() == 201);
        Assert.Equal((sourceId, "shopify"), (entry!["target"]!["id"].Text(), entry["detail"]!["scheme"].Text()));
        Assert.DoesNotContain("shpss_owner_secret", audit.ToJsonString());

        // Deleting it: the URL answers 404 from then on.
        using (var deleted = await owner.SendAsync(HttpMethod.Delete, $"/api/v1/sources/{sourceId}")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await DeliverAsync(sourceId, Order, new Dictionary<string, string>())).Status);
    }
}
