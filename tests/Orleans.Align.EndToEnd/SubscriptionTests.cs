using System.Net;
using System.Text.Json.Nodes;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// One silo and a gateway whose deliveries may reach loopback (127.0.0.0/8 only, over http) and retry on a
/// short schedule: first retry after 0.5 s, at most 2 s apart, dead-lettered 15 s after creation; the
/// outbox's and the deliveries' reminders tick every 2 s.
/// </summary>
public sealed class SubscriptionSystem() : AlignSystem(new AlignSystemOptions(SiloArguments:
[
    "--Align:Silo:Reminders:MinimumReminderPeriod=00:00:01",
    "--Align:Integrations:AllowedNetworks:0=127.0.0.0/8",
    "--Align:Integrations:AllowHttp=true",
    "--Align:Integrations:FirstRetryDelay=00:00:00.5",
    "--Align:Integrations:MaxRetryDelay=00:00:02",
    "--Align:Integrations:RetryWindow=00:00:15",
    "--Align:Integrations:AttemptTimeout=00:00:05",
    "--Align:Integrations:ReminderPeriod=00:00:02",
]));

[CollectionDefinition(Name)]
public sealed class SubscriptionCollection : ICollectionFixture<SubscriptionSystem>
{
    public const string Name = "subscriptions";
}

/// <summary>
/// Outbound subscriptions end to end: the feed's entries and alert changes reach a receiver on loopback,
/// signed per Standard Webhooks (checked with the StandardWebhooks package), retried, dead-lettered,
/// delivered across a silo SIGKILL, filtered, in Slack and Teams shapes; and refused where they must be.
/// </summary>
[Collection(SubscriptionCollection.Name)]
public sealed class SubscriptionTests(SubscriptionSystem system) : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private async Task<Tenant> TenantAsync(string prefix)
    {
        var tenant = await system.CreateTenantAsync(prefix);
        await tenant.SeedOrganizationAsync("launch", "spring");
        await tenant.CreateGoalAsync(Goal("brief", "leads", start: DateTimeOffset.UtcNow.AddDays(1)));
        return tenant;
    }

    private async Task<(string Id, string Secret, string Path)> SubscribeAsync(Tenant tenant, string path, string format = "standardWebhooks", object? filter = null)
    {
        var created = await tenant.PostOkAsync("/api/v1/subscriptions", new { name = $"Hook {path}", url = _receiver.UrlOf(path), format, filter });
        return (created["id"].Text(), created["secret"].Text(), path);
    }

    private static Task<JsonNode> AnnounceAsync(Tenant tenant, string from, string[] to, string text, string? campaign = null, string? goal = null, bool salesFeedback = false) =>
        tenant.PostOkAsync("/api/v1/feed/announcements", new { from, to, text, campaign, goal, salesFeedback });

    private static async Task<JsonArray> DeliveriesAsync(Tenant tenant, string subscription) =>
        (await tenant.GetOkAsync($"/api/v1/subscriptions/{subscription}/deliveries")).AsArray();

    /// <summary>Polls until <paramref name="until"/> holds (generous: waits only, no timing is asserted).</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> until, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Wait);
        T last;
        do
        {
            last = await read();
            if (until(last)) return last;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"{what} never happened; last: {(last is JsonNode n ? n.ToJsonString() : last?.ToString())}");
        return last;
    }

    private static void AssertSigned(ReceivedWebhook received, string secret) => new StandardWebhook(secret).Verify(received.Body, received.Headers);

    [Fact]
    public async Task A_subscription_receives_each_feed_change_once_signed_with_a_stable_id_and_a_link_to_the_goal()
    {
        var tenant = await TenantAsync("sub-signed");
        var (id, secret, path) = await SubscribeAsync(tenant, "/signed");
        Assert.StartsWith("whsec_", secret);

        await AnnounceAsync(tenant, "sales", ["marketing"], "These leads do not buy", goal: "brief", salesFeedback: true);
        var alert = Assert.Single((await tenant.GetOkAsync("/api/v1/feed?kind=alert")).AsArray())!;
        await tenant.PostOkAsync($"/api/v1/feed/{alert["id"]}/acknowledge", new { department = "marketing" });

        var received = await UntilAsync(() => Task.FromResult(_receiver.AcceptedAt(path)), r => r.Count >= 3, "three deliveries");
        var log = await UntilAsync(() => DeliveriesAsync(tenant, id), l => l.Count == 3 && l.All(d => d!["state"].Text() == "delivered"), "three delivered");

        foreach (var r in received) AssertSigned(r, secret);
        var events = received.Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(["announcement.posted", "alert.raised", "alert.acknowledged"], events.Select(e => e["type"].Text()));
        Assert.All(events, e => Assert.Equal(tenant.Id, e["data"]!["organization"].Text()));
        Assert.All(events, e => Assert.Equal($"{system.Gateway.ToString().TrimEnd('/')}/#/goals/brief", e["data"]!["goalUrl"].Text()));
        Assert.Equal("acknowledged", events[2]["data"]!["entry"]!["state"].Text());
        Assert.Equal(alert["id"]!.GetValue<long>(), events[1]["data"]!["entry"]!["id"]!.GetValue<long>());
        // The webhook-id is the delivery's id: distinct per change, the same in the log.
        Assert.Equal(3, received.Select(r => r.Id).Distinct().Count());
        Assert.Equal(received.Select(r => r.Id).Order(), log.Select(d => d!["id"].Text()).Order());
        Assert.All(log, d => Assert.Equal(200, Assert.Single(d!["attempts"]!.AsArray())!["status"]!.GetValue<int>()));
        Assert.Equal(3, _receiver.At(path).Count); // nothing sent twice
    }

    [Fact]
    public async Task A_receiver_that_fails_its_first_attempts_gets_the_same_signed_delivery_on_a_retry_and_the_log_shows_every_attempt()
    {
        var tenant = await TenantAsync("sub-retry");
        var (id, secret, path) = await SubscribeAsync(tenant, "/flaky");
        _receiver.FailNext(path, 2, 503);

        await AnnounceAsync(tenant, "marketing", ["sales"], "Coverage on Tuesday", campaign: "launch");

        var log = await UntilAsync(() => DeliveriesAsync(tenant, id), l => l.Count == 1 && l[0]!["state"].Text() == "delivered", "delivered after retries");
        var attempts = log[0]!["attempts"]!.AsArray();
        Assert.Equal([503, 503, 200], attempts.Select(a => a!["status"]!.GetValue<int>()));
        Assert.All(attempts, a => Assert.True(a!["durationMs"]!.GetValue<double>() >= 0));
        var times = attempts.Select(a => DateTimeOffset.Parse(a!["at"].Text())).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Null(log[0]!["nextAttemptAt"]);

        var received = _receiver.At(path);
        Assert.Equal([503, 503, 200], received.Select(r => r.Answered));
        Assert.Single(received.Select(r => r.Id).Distinct());
        Assert.Equal(log[0]!["id"].Text(), received[0].Id);
        Assert.Single(received.Select(r => r.Body).Distinct());
        foreach (var r in received) AssertSigned(r, secret);
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_is_dead_lettered_after_the_retry_window_and_a_retry_delivers_it()
    {
        var tenant = await TenantAsync("sub-dead");
        var (id, _, path) = await SubscribeAsync(tenant, "/dead");
        _receiver.FailNext(path, 1_000, 500);

        await AnnounceAsync(tenant, "marketing", ["sales"], "Nobody is listening", campaign: "launch");

        var log = await UntilAsync(() => DeliveriesAsync(tenant, id), l => l.Count == 1 && l[0]!["state"].Text() == "deadLettered", "dead-lettered", TimeSpan.FromSeconds(90));
        var delivery = log[0]!;
        var attempts = delivery["attempts"]!.AsArray();
        Assert.True(attempts.Count >= 2, delivery.ToJsonString());
        Assert.All(attempts, a => Assert.Equal(500, a!["status"]!.GetValue<int>()));
        Assert.Equal(attempts.Count, _receiver.At(path).Count);
        var span = DateTimeOffset.Parse(attempts[^1]!["at"].Text()) - DateTimeOffset.Parse(delivery["createdAt"].Text());
        Assert.True(span <= TimeSpan.FromSeconds(15), $"the last attempt was {span} after creation, past the 15 s window");

        // A delivered or unknown one is not retried; the dead-lettered one is, and arrives.
        _receiver.FailNext(path, 0);
        var retried = await tenant.PostOkAsync($"/api/v1/subscriptions/{id}/deliveries/{delivery["id"].Text()}/retry", new { });
        Assert.Equal("pending", retried["state"].Text());
        log = await UntilAsync(() => DeliveriesAsync(tenant, id), l => l[0]!["state"].Text() == "delivered", "delivered after the retry");
        Assert.Equal(200, log[0]!["attempts"]!.AsArray()[^1]!["status"]!.GetValue<int>());
        await tenant.AssertStatusAsync(HttpMethod.Post, $"/api/v1/subscriptions/{id}/deliveries/{delivery["id"].Text()}/retry", new { }, HttpStatusCode.Conflict);
        await tenant.AssertStatusAsync(HttpMethod.Post, $"/api/v1/subscriptions/{id}/deliveries/msg_nothing/retry", new { }, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_delivery_pending_when_the_silo_is_killed_arrives_after_the_restart()
    {
        var tenant = await TenantAsync("sub-kill");
        var (id, secret, path) = await SubscribeAsync(tenant, "/after-crash");
        _receiver.SetDown(path, true);

        await AnnounceAsync(tenant, "pr", ["marketing"], "Embargo lifts at nine", campaign: "spring");
        // Kept and tried once (the receiver was down): only the silo's storage and reminders know it now.
        await UntilAsync(() => DeliveriesAsync(tenant, id), l => l.Count == 1 && l[0]!["attempts"]!.AsArray().Count >= 1, "a first failed attempt");
        system.KillSilo();
        _receiver.SetDown(path, false);
        await system.StartSiloAsync();

        var delivered = await UntilAsync(() => Task.FromResult(_receiver.AcceptedAt(path)), r => r.Count >= 1, "the delivery after the restart", TimeSpan.FromSeconds(90));
        AssertSigned(delivered[0], secret);
        Assert.Equal("Embargo lifts at nine", JsonNode.Parse(delivered[0].Body)!["data"]!["entry"]!["text"].Text());
        var log = await UntilAsync(() => DeliveriesAsync(tenant, id), l => l[0]!["state"].Text() == "delivered", "delivered in the log");
        Assert.Equal(delivered[0].Id, Assert.Single(log)!["id"].Text());
    }

    [Fact]
    public async Task Filters_by_kind_department_campaign_and_goal_deliver_exactly_the_entries_they_name()
    {
        var tenant = await TenantAsync("sub-filter");
        var all = await SubscribeAsync(tenant, "/f-all");
        var alerts = await SubscribeAsync(tenant, "/f-alerts", filter: new { kinds = new[] { "alert" } });
        var pr = await SubscribeAsync(tenant, "/f-pr", filter: new { departments = new[] { "pr" } });
        var spring = await SubscribeAsync(tenant, "/f-spring", filter: new { campaigns = new[] { "spring" } });
        var brief = await SubscribeAsync(tenant, "/f-brief", filter: new { goals = new[] { "brief" } });
        var marketingNews = await SubscribeAsync(tenant, "/f-marketing-news", filter: new { kinds = new[] { "announcement" }, departments = new[] { "marketing" } });

        await AnnounceAsync(tenant, "marketing", ["sales"], "one", campaign: "launch");
        await AnnounceAsync(tenant, "pr", ["marketing"], "two", campaign: "spring");
        await AnnounceAsync(tenant, "sales", ["marketing"], "three", goal: "brief", salesFeedback: true);
        await AnnounceAsync(tenant, "sales", ["pr"], "four", campaign: "launch");
        var feed = (await tenant.GetOkAsync("/api/v1/feed?limit=500")).AsArray();
        Assert.Equal(5, feed.Count);
        long Entry(string text, string kind) => feed.Single(e => e!["kind"].Text() == kind && e["text"].Text().EndsWith(text, StringComparison.Ordinal))!["id"]!.GetValue<long>();
        var (one, two, three, threeAlert, four) = (Entry("one", "announcement"), Entry("two", "announcement"), Entry("three", "announcement"), Entry("three", "alert"), Entry("four", "announcement"));

        async Task<string> EntriesOf(string subscription) =>
            string.Join(",", (await DeliveriesAsync(tenant, subscription)).Select(d => d!["entryId"]!.GetValue<long>()).Order());
        string Expected(params long[] ids) => string.Join(",", ids.Order());

        await Eventually.EqualAsync(Expected(one, two, three, threeAlert, four), () => EntriesOf(all.Id), 30_000);
        await Eventually.EqualAsync(Expected(threeAlert), () => EntriesOf(alerts.Id), 30_000);
        await Eventually.EqualAsync(Expected(two, four), () => EntriesOf(pr.Id), 30_000);
        await Eventually.EqualAsync(Expected(two), () => EntriesOf(spring.Id), 30_000);
        await Eventually.EqualAsync(Expected(three, threeAlert), () => EntriesOf(brief.Id), 30_000);
        await Eventually.EqualAsync(Expected(one, two, three), () => EntriesOf(marketingNews.Id), 30_000);
        // What was received is what the logs say, once each.
        foreach (var (subscription, count) in new[] { (all, 5), (alerts, 1), (pr, 2), (spring, 1), (brief, 2), (marketingNews, 3) })
        {
            var received = await UntilAsync(() => Task.FromResult(_receiver.AcceptedAt(subscription.Path)), r => r.Count >= count, $"{count} at {subscription.Path}");
            Assert.Equal(count, received.Select(r => r.Id).Distinct().Count());
            Assert.Equal(count, received.Count);
        }
    }

    [Fact]
    public async Task Slack_and_Teams_subscriptions_receive_their_documented_shapes_with_the_goal_and_its_link()
    {
        var tenant = await TenantAsync("sub-chat");
        var slack = await SubscribeAsync(tenant, "/slack", "slack", new { kinds = new[] { "alert" } });
        var teams = await SubscribeAsync(tenant, "/teams", "teams", new { kinds = new[] { "alert" } });
        var goalUrl = $"{system.Gateway.ToString().TrimEnd('/')}/#/goals/brief";

        await AnnounceAsync(tenant, "sales", ["marketing"], "Prospects ask for a discount", goal: "brief", salesFeedback: true);

        var slackBody = JsonNode.Parse((await UntilAsync(() => Task.FromResult(_receiver.AcceptedAt(slack.Path)), r => r.Count == 1, "the Slack message"))[0].Body)!;
        Assert.Contains("Prospects ask for a discount", slackBody["text"].Text());
        Assert.Contains(goalUrl, slackBody["text"].Text());
        var blocks = slackBody["blocks"]!.AsArray();
        Assert.Equal("header", blocks[0]!["type"].Text());
        Assert.Equal("plain_text", blocks[0]!["text"]!["type"].Text());
        Assert.Equal("Alert raised", blocks[0]!["text"]!["text"].Text());
        Assert.All(blocks, b => Assert.Contains(b!["type"].Text(), new[] { "header", "section", "actions", "context" }));
        var fields = blocks.Where(b => b!["fields"] is not null).SelectMany(b => b!["fields"]!.AsArray()).Select(f => f!["text"].Text()).ToList();
        Assert.Contains($"*Goal*\n<{goalUrl}|brief>", fields);
        Assert.Contains("*Why*\nsales feedback", fields);
        Assert.Contains("*Status*\nopen", fields);
        var button = blocks.Single(b => b!["type"].Text() == "actions")!["elements"]![0]!;
        Assert.Equal(("button", goalUrl), (button["type"].Text(), button["url"].Text()));

        var teamsBody = JsonNode.Parse((await UntilAsync(() => Task.FromResult(_receiver.AcceptedAt(teams.Path)), r => r.Count == 1, "the Teams message"))[0].Body)!;
        Assert.Equal("message", teamsBody["type"].Text());
        var attachment = Assert.Single(teamsBody["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"].Text());
        var card = attachment["content"]!;
        Assert.Equal(("AdaptiveCard", "1.4"), (card["type"].Text(), card["version"].Text()));
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", card["$schema"].Text());
        var facts = card["body"]!.AsArray().Single(b => b!["type"].Text() == "FactSet")!["facts"]!.AsArray()
            .ToDictionary(f => f!["title"].Text(), f => f!["value"].Text());
        Assert.Equal(("brief", "sales feedback", "open"), (facts["Goal"], facts["Why"], facts["Status"]));
        Assert.Contains(card["body"]!.AsArray(), b => b!["type"].Text() == "TextBlock" && b["text"].Text().Contains("Prospects ask for a discount"));
        var open = Assert.Single(card["actions"]!.AsArray())!;
        Assert.Equal(("Action.OpenUrl", goalUrl), (open["type"].Text(), open["url"].Text()));
    }

    [Fact]
    public async Task A_subscription_is_changed_its_secret_rotated_and_once_deleted_it_receives_nothing_more()
    {
        var tenant = await TenantAsync("sub-life");
        var (id, oldSecret, path) = await SubscribeAsync(tenant, "/life");
        var sentinel = await SubscribeAsync(tenant, "/life-sentinel");

        var shown = await tenant.GetOkAsync($"/api/v1/subscriptions/{id}");
        Assert.Null(shown["secret"]);
        Assert.Equal(_receiver.UrlOf(path), shown["url"].Text());
        Assert.Contains((await tenant.GetOkAsync("/api/v1/subscriptions")).AsArray(), s => s!["id"].Text() == id && s["secret"] is null);
        var changed = await tenant.PutOkAsync($"/api/v1/subscriptions/{id}",
            new { name = "Renamed", url = _receiver.UrlOf(path), format = "standardWebhooks", filter = new { kinds = new[] { "announcement" } } });
        Assert.Equal(("Renamed", "announcement"), (changed["name"].Text(), changed["filter"]!["kinds"]![0].Text()));
        var newSecret = (await tenant.PostOkAsync($"/api/v1/subscriptions/{id}/rotate-secret", new { }))["secret"].Text();
        Assert.StartsWith("whsec_", newSecret);
        Assert.NotEqual(oldSecret, newSecret);

        await AnnounceAsync(tenant, "marketing", ["sales"], "After the rotation", campaign: "launch");
        var received = (await UntilAsync(() => Task.FromResult(_receiver.AcceptedAt(path)), r => r.Count == 1, "the delivery after rotation"))[0];
        AssertSigned(received, newSecret);
        Assert.Throws<WebhookVerificationException>(() => AssertSigned(received, oldSecret));

        using (var deleted = await tenant.SendAsync(HttpMethod.Delete, $"/api/v1/subscriptions/{id}")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await tenant.AssertStatusAsync(HttpMethod.Get, $"/api/v1/subscriptions/{id}", null, HttpStatusCode.NotFound);
        await tenant.AssertStatusAsync(HttpMethod.Get, $"/api/v1/subscriptions/{id}/deliveries", null, HttpStatusCode.NotFound);
        await AnnounceAsync(tenant, "marketing", ["sales"], "After the deletion", campaign: "launch");
        // The sentinel (every entry) got both announcements: the outbox has passed the second one.
        await UntilAsync(() => Task.FromResult(_receiver.AcceptedAt(sentinel.Path)), r => r.Count == 2, "both at the sentinel");
        Assert.Single(_receiver.At(path));

        // Audited, without the URL (a Slack or Teams URL is a credential) or a secret.
        var audit = (await tenant.GetOkAsync("/api/v1/audit?action=subscription"))["entries"]!.AsArray();
        var actions = audit.Where(e => e!["target"]!["id"].Text() == id).Select(e => e!["action"].Text()).ToList();
        Assert.Equal(["subscription.created", "subscription.changed", "subscription.secret_rotated", "subscription.deleted"], Enumerable.Reverse(actions));
        Assert.DoesNotContain(_receiver.BaseUrl.Authority, audit.ToJsonString());
        Assert.DoesNotContain("whsec_", audit.ToJsonString());
    }

    [Fact]
    public async Task Bad_subscriptions_are_refused_400_and_non_public_addresses_422_and_nothing_is_created()
    {
        var tenant = await TenantAsync("sub-bad");
        object Body(string url = "http://127.0.0.1:9/x", string format = "slack", object? filter = null) => new { name = "Bad", url, format, filter };

        foreach (var url in new[] { "http://10.0.0.5/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/hook", "http://0.0.0.0/", "http://192.168.1.20/", "http://100.64.0.1/" })
        {
            using var refused = await tenant.SendAsync(HttpMethod.Post, "/api/v1/subscriptions", Body(url));
            var problem = await AssertProblemAsync(refused, 422);
            Assert.Contains("not a public address", problem["detail"].Text());
        }
        await tenant.AssertStatusAsync(HttpMethod.Post, "/api/v1/subscriptions", Body("ftp://example.com/x"), HttpStatusCode.BadRequest);
        await tenant.AssertStatusAsync(HttpMethod.Post, "/api/v1/subscriptions", Body("not a url"), HttpStatusCode.BadRequest);
        await tenant.AssertStatusAsync(HttpMethod.Post, "/api/v1/subscriptions", Body(format: "carrierPigeon"), HttpStatusCode.BadRequest);
        await tenant.AssertStatusAsync(HttpMethod.Post, "/api/v1/subscriptions", Body(filter: new { kinds = new[] { "gossip" } }), HttpStatusCode.BadRequest);
        await tenant.AssertStatusAsync(HttpMethod.Post, "/api/v1/subscriptions", Body(filter: new { departments = new[] { "Not An Id" } }), HttpStatusCode.BadRequest);
        await tenant.AssertStatusAsync(HttpMethod.Post, "/api/v1/subscriptions", new { name = "Bad", url = "http://127.0.0.1:9/x", format = "slack", secret = "mine" }, HttpStatusCode.BadRequest);
        await tenant.AssertStatusAsync(HttpMethod.Post, "/api/v1/subscriptions", new { name = "Bad", format = "slack" }, HttpStatusCode.BadRequest);
        Assert.Empty((await tenant.GetOkAsync("/api/v1/subscriptions")).AsArray());
    }

    [Fact]
    public async Task Another_organization_can_neither_see_nor_use_a_subscription_nor_receive_its_entries()
    {
        var owner = await TenantAsync("sub-own");
        var other = await TenantAsync("sub-other");
        var (id, _, path) = await SubscribeAsync(owner, "/owned");
        var otherSubscription = await SubscribeAsync(other, "/other");
        var body = new { name = "Stolen", url = _receiver.UrlOf("/stolen"), format = "standardWebhooks" };

        await other.AssertStatusAsync(HttpMethod.Get, $"/api/v1/subscriptions/{id}", null, HttpStatusCode.NotFound);
        await other.AssertStatusAsync(HttpMethod.Put, $"/api/v1/subscriptions/{id}", body, HttpStatusCode.NotFound);
        await other.AssertStatusAsync(HttpMethod.Post, $"/api/v1/subscriptions/{id}/rotate-secret", new { }, HttpStatusCode.NotFound);
        await other.AssertStatusAsync(HttpMethod.Get, $"/api/v1/subscriptions/{id}/deliveries", null, HttpStatusCode.NotFound);
        await other.AssertStatusAsync(HttpMethod.Post, $"/api/v1/subscriptions/{id}/deliveries/msg_{id}_1/retry", new { }, HttpStatusCode.NotFound);
        await other.AssertStatusAsync(HttpMethod.Delete, $"/api/v1/subscriptions/{id}", null, HttpStatusCode.NotFound);
        Assert.DoesNotContain((await other.GetOkAsync("/api/v1/subscriptions")).AsArray(), s => s!["id"].Text() == id);
        Assert.Equal("Hook /owned", (await owner.GetOkAsync($"/api/v1/subscriptions/{id}"))["name"].Text());

        await AnnounceAsync(owner, "marketing", ["sales"], "Owner's news", campaign: "launch");
        await AnnounceAsync(other, "marketing", ["sales"], "Other's news", campaign: "launch");
        var owned = await UntilAsync(() => Task.FromResult(_receiver.AcceptedAt(path)), r => r.Count == 1, "the owner's delivery");
        var others = await UntilAsync(() => Task.FromResult(_receiver.AcceptedAt(otherSubscription.Path)), r => r.Count == 1, "the other's delivery");
        Assert.Equal("Owner's news", JsonNode.Parse(owned[0].Body)!["data"]!["entry"]!["text"].Text());
        Assert.Equal("Other's news", JsonNode.Parse(others[0].Body)!["data"]!["entry"]!["text"].Text());
        Assert.Empty(_receiver.At("/stolen"));
    }
}
