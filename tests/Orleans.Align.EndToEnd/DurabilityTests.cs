using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;

using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

[CollectionDefinition(Name)]
public sealed class DurabilityCollection : ICollectionFixture<AlignSystem>
{
    public const string Name = "durability";
}

/// <summary>
/// Nothing acknowledged is ever lost and nothing is counted twice: a silo killed mid-stream, storage
/// going away and coming back, a snapshot dropped. Real processes, real Azurite.
/// </summary>
[Collection(DurabilityCollection.Name)]
public sealed class DurabilityTests(AlignSystem system)
{
    [Fact]
    public async Task A_silo_killed_mid_stream_loses_no_acknowledged_event_and_counts_none_twice()
    {
        var tenant = await system.CreateTenantAsync("crash");
        var (_, goal) = await tenant.SeedLaunchAsync(target: 1_000_000);
        var ingest = new RetryingIngest(tenant);

        await SendThroughASiloKillAsync(ingest, batches: 120, killAfter: 30);

        await Eventually.EqualAsync(ingest.AcknowledgedTotal, () => tenant.ProgressAsync(goal), timeoutMs: 30_000);
        var rebuilt = await tenant.PostOkAsync($"/api/v1/goals/{goal}/rebuild", new { });
        Assert.Equal(ingest.AcknowledgedTotal, rebuilt["progress"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_silo_killed_mid_stream_counts_every_acknowledged_event_once_in_campaign_activity_and_department_totals()
    {
        var tenant = await system.CreateTenantAsync("crash-views");
        await tenant.SeedLaunchAsync(target: 1_000_000);
        await tenant.PostOkAsync("/api/v1/campaigns", new { id = "other", name = "Other", departments = new[] { "marketing" } });
        await tenant.PutOkAsync("/api/v1/campaigns/launch/activities/webinar", new { department = "marketing", name = "Webinar", metrics = new[] { "leads" } });
        // An event of another campaign by the same department: its scorecard spans both, the launch counts none of it.
        await tenant.IngestAsync(Event("other-1", "leads", 1_000, campaign: "other"));
        var ingest = new RetryingIngest(tenant, activity: "webinar");

        await SendThroughASiloKillAsync(ingest, batches: 100, killAfter: 25);

        var total = ingest.AcknowledgedTotal;
        await Eventually.EqualAsync(total, async () => LeadsOf((await tenant.GetOkAsync("/api/v1/campaigns/launch"))["totals"]), timeoutMs: 30_000);
        var campaign = await tenant.GetOkAsync("/api/v1/campaigns/launch");
        Assert.Equal(total, LeadsOf(campaign["activities"]![0]!["totals"]));
        Assert.Equal(total, LeadsOf(campaign["byDepartment"]![0]!["totals"]));
        await Eventually.EqualAsync(total + 1_000, async () => LeadsOf((await tenant.GetOkAsync("/api/v1/departments/marketing/scorecard"))["totals"]), timeoutMs: 30_000);
        var scorecard = await tenant.GetOkAsync("/api/v1/departments/marketing/scorecard");
        Assert.Equal(total, LeadsOf(scorecard["byCampaign"]!.AsArray().Single(c => c!["campaign"]!.GetValue<string>() == "launch")!["totals"]));
    }

    /// <summary>Sends the batches one after the other, SIGKILLs the silo once <paramref name="killAfter"/> are acknowledged, starts it again, and sends on until all are.</summary>
    private async Task SendThroughASiloKillAsync(RetryingIngest ingest, int batches, int killAfter)
    {
        var sending = Task.Run(async () =>
        {
            for (var b = 0; b < batches; b++) await ingest.SendUntilAcknowledgedAsync(b, size: 50);
        });

        await ingest.WaitForAcknowledgedBatchesAsync(killAfter);
        system.KillSilo();
        await Task.Delay(300);
        await system.StartSiloAsync();
        await sending;

        Assert.True(ingest.FailedAttempts > 0, "the kill should have interrupted some requests");
        Assert.True(ingest.ResentAcknowledged > 0, "some acknowledged batches should have been sent again");
    }

    private static double LeadsOf(JsonNode? totals) =>
        totals!["metrics"]!.AsArray().SingleOrDefault(m => m!["metric"]!.GetValue<string>() == "leads")?["value"]?.GetValue<double>() ?? 0;

    [Fact]
    public async Task When_storage_is_down_ingest_answers_503_with_retry_after_and_recovers_by_itself()
    {
        var tenant = await system.CreateTenantAsync("outage");
        var (_, goal) = await tenant.SeedLaunchAsync(target: 1_000_000);
        var ingest = new RetryingIngest(tenant);
        for (var b = 0; b < 5; b++) await ingest.SendUntilAcknowledgedAsync(b, size: 20);

        system.StopAzurite();
        try
        {
            for (var b = 5; b < 10; b++)
            {
                var started = DateTime.UtcNow;
                using var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", RetryingIngest.Batch(b, 20).Body);
                Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(25), "a storage outage must not hang the caller");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
            // The silo says what is wrong: storage, to anyone; where and how it failed, to the operator.
            using var probe = new HttpClient();
            using var unready = await probe.GetAsync(new Uri(system.SiloHttp(), "/health/ready"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
            var words = await unready.Content.ReadAsStringAsync();
            Assert.Contains("storage: Unhealthy", words);
            Assert.DoesNotContain("127.0.0.1", words);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(system.SiloHttp(), "/health/ready")) { Headers = { Authorization = AlignSystem.SiloOperator } };
            using var reasons = await probe.SendAsync(request);
            Assert.Contains("storage: Unhealthy: Blob storage at 127.0.0.1", await reasons.Content.ReadAsStringAsync());
        }
        finally
        {
            await system.StartAzuriteAsync();
        }

        for (var b = 5; b < 10; b++) await ingest.SendUntilAcknowledgedAsync(b, size: 20);
        await Eventually.EqualAsync(ingest.AcknowledgedTotal, () => tenant.ProgressAsync(goal), timeoutMs: 30_000);
    }

    [Fact]
    public async Task A_hanging_storage_answers_503_with_retry_after_within_5_s_and_loses_nothing()
    {
        var tenant = await system.CreateTenantAsync("hang");
        var (_, goal) = await tenant.SeedLaunchAsync(target: 1_000_000);
        var ingest = new RetryingIngest(tenant);
        for (var b = 0; b < 5; b++) await ingest.SendUntilAcknowledgedAsync(b, size: 20);

        system.FreezeAzurite();
        try
        {
            for (var b = 5; b < 8; b++)
            {
                var started = DateTime.UtcNow;
                using var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", RetryingIngest.Batch(b, 20).Body);
                var took = DateTime.UtcNow - started;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.True(took <= TimeSpan.FromSeconds(5), $"a hanging storage kept the caller {took.TotalSeconds:0.0} s");
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        finally
        {
            system.ThawAzurite();
        }

        // The refused batches may have landed after all (a write cancelled at the deadline): resending counts each event once.
        for (var b = 5; b < 10; b++) await ingest.SendUntilAcknowledgedAsync(b, size: 20);
        await Eventually.EqualAsync(ingest.AcknowledgedTotal, () => tenant.ProgressAsync(goal), timeoutMs: 30_000);
    }

    [Fact]
    public async Task A_log_found_shorter_than_what_was_acknowledged_stops_ingest_with_503_and_makes_the_silo_unready()
    {
        var tenant = await system.CreateTenantAsync("behind");
        var (_, goal) = await tenant.SeedLaunchAsync(target: 1_000_000);
        var ingest = new RetryingIngest(tenant);
        for (var b = 0; b < 5; b++) await ingest.SendUntilAcknowledgedAsync(b, size: 20);
        await Eventually.EqualAsync(ingest.AcknowledgedTotal, () => tenant.ProgressAsync(goal));
        await Task.Delay(1_500); // the acknowledged position is recorded at most a second later

        // Storage "loses" acknowledged writes behind the silo's back (as Azurite killed with SIGKILL can).
        system.KillSilo();
        var log = new BlobContainerClient(system.StorageConnectionString, "align-log");
        await foreach (var blob in log.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = tenant.Id + "/" }))
            await log.DeleteBlobAsync(blob.Name);
        await system.StartSiloAsync();

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var refused = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", RetryingIngest.Batch(100 + attempt, 5).Body);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("acknowledged", await refused.Content.ReadAsStringAsync());
        }
        using (var probe = new HttpClient())
        {
            // The reasons are for the operator (anonymous callers see the status words only).
            using var readyRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(system.SiloHttp(), "/health/ready"));
            readyRequest.Headers.Authorization = AlignSystem.SiloOperator;
            using var ready = await probe.SendAsync(readyRequest);
            var reason = await ready.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains(tenant.Id, reason);
            // Anyone else learns that the log check fails, not which organization or where.
            using var anonymous = await probe.GetAsync(new Uri(system.SiloHttp(), "/health/ready"));
            var words = await anonymous.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, anonymous.StatusCode);
            Assert.Contains("event-log: Unhealthy", words);
            Assert.DoesNotContain(tenant.Id, words);
            using var alive = await probe.GetAsync(new Uri(system.SiloHttp(), "/health"));
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode); // alive: restarting it would not bring the writes back
        }
        // Nothing was written over the lost positions: the goal still shows what it had applied.
        Assert.Equal(ingest.AcknowledgedTotal, await tenant.ProgressAsync(goal));
    }

    [Fact]
    public async Task A_goal_whose_snapshot_is_dropped_is_rebuilt_from_the_log_on_its_next_activation()
    {
        var tenant = await system.CreateTenantAsync("rebuild");
        var (_, goal) = await tenant.SeedLaunchAsync(target: 1_000_000);
        var ingest = new RetryingIngest(tenant);
        for (var b = 0; b < 10; b++) await ingest.SendUntilAcknowledgedAsync(b, size: 30);
        await Eventually.EqualAsync(ingest.AcknowledgedTotal, () => tenant.ProgressAsync(goal));

        // Let the snapshot be written, then take the silo down and delete the snapshot behind its back.
        await Task.Delay(1_500);
        system.KillSilo();
        var container = new BlobContainerClient(system.StorageConnectionString, "align-grains");
        var snapshots = new List<string>();
        // The official blob provider names a state "{state name}-{grain id}.json": goal-goal/{org}/{goal}.json.
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "goal-" }))
        {
            if (Uri.UnescapeDataString(blob.Name).Contains($"{tenant.Id}/{goal}", StringComparison.Ordinal)) snapshots.Add(blob.Name);
        }
        var snapshot = Assert.Single(snapshots);
        await container.DeleteBlobAsync(snapshot);
        await system.StartSiloAsync();

        await Eventually.EqualAsync(ingest.AcknowledgedTotal, () => tenant.ProgressAsync(goal), timeoutMs: 30_000);
    }
}

/// <summary>
/// A client that behaves like a careful integration: it resends every batch until it is acknowledged,
/// and now and then resends one that was acknowledged already. With several gateways it spreads
/// batches over them (batch n goes to gateway n mod count), as a load balancer would.
/// </summary>
internal sealed class RetryingIngest(Tenant tenant, IReadOnlyList<Uri>? gateways = null, string? activity = null)
{
    private readonly ConcurrentDictionary<string, double> _acknowledged = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly HttpClient[] _clients = [.. (gateways ?? []).Select(g => new HttpClient { BaseAddress = g, Timeout = TimeSpan.FromSeconds(30) })];
    private int _acknowledgedBatches;

    public int FailedAttempts { get; private set; }

    /// <summary>Failures other than a 503 with Retry-After: refused connections, timeouts, 502/504.</summary>
    public IReadOnlyCollection<string> OtherFailures => _unexpected;

    public int AcknowledgedBatches => Volatile.Read(ref _acknowledgedBatches);

    private async Task<HttpResponseMessage> SendAsync(int number, object body)
    {
        if (_clients.Length == 0) return await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = JsonContent.Create(body, options: Tenant.Json) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tenant.ApiKey);
        return await _clients[number % _clients.Length].SendAsync(request);
    }
    public int ResentAcknowledged { get; private set; }
    public double AcknowledgedTotal => _acknowledged.Values.Sum();

    /// <summary>A batch of leads for the launch by marketing; with <paramref name="activity"/>, each names that activity of the launch.</summary>
    public static (string[] Ids, double[] Values, object Body) Batch(int number, int size, string? activity = null)
    {
        var ids = Enumerable.Range(0, size).Select(i => $"b{number}-e{i}").ToArray();
        var values = Enumerable.Range(0, size).Select(i => (double)(1 + (number * 31 + i * 7) % 5)).ToArray();
        var body = new
        {
            events = ids.Select((id, i) => new { id, metric = "leads", value = values[i], campaign = "launch", department = "marketing", source = "e2e", activity }),
        };
        return (ids, values, body);
    }

    public async Task SendUntilAcknowledgedAsync(int number, int size)
    {
        var (ids, values, body) = Batch(number, size, activity);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                using var response = await SendAsync(number, body);
                if (response.IsSuccessStatusCode)
                {
                    var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                    Assert.Equal(size, result["accepted"]!.GetValue<int>() + result["duplicates"]!.GetValue<int>());
                    for (var i = 0; i < size; i++) _acknowledged[ids[i]] = values[i];
                    Interlocked.Increment(ref _acknowledgedBatches);
                    break;
                }
                Assert.True((int)response.StatusCode is 503 or 504 or 502, $"unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter is null)
                    _unexpected.Enqueue($"batch {number}: {(int)response.StatusCode}");
            }
            catch (HttpRequestException e) { _unexpected.Enqueue($"batch {number}: {e.Message}"); }
            catch (TaskCanceledException) { _unexpected.Enqueue($"batch {number}: timeout"); }
            FailedAttempts++;
            Assert.True(DateTime.UtcNow < deadline, $"batch {number} was never acknowledged");
            await Task.Delay(200);
        }

        if (number % 7 == 3 && number > 0)
        {
            // An integration that lost our answer sends the previous batch again: it must count once.
            ResentAcknowledged++;
            await SendUntilAcknowledgedAsync(number - 1, size);
        }
    }

    public async Task WaitForAcknowledgedBatchesAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Volatile.Read(ref _acknowledgedBatches) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {_acknowledgedBatches} batches acknowledged");
            await Task.Delay(20);
        }
    }
}
