namespace Orleans.Align.EndToEnd;

[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterSystem>
{
    public const string Name = "redis-cluster";
}

/// <summary>
/// Redis membership, the documented alternative to Azure Tables: two silos and a gateway that find each
/// other through a redis-server, and keep every acknowledged event exactly once when a silo dies.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusteringTests(RedisClusterSystem system)
{
    [Fact]
    public async Task A_two_silo_cluster_on_redis_keeps_ingesting_through_a_killed_silo_and_counts_each_acknowledged_event_once()
    {
        var tenant = await system.CreateTenantAsync("redis");
        var (_, goal) = await tenant.SeedLaunchAsync(target: 1_000_000);
        var ingest = new RetryingIngest(tenant);

        const int batches = 80;
        var sending = Task.Run(async () =>
        {
            for (var b = 0; b < batches; b++) await ingest.SendUntilAcknowledgedAsync(b, size: 25);
        });

        await ingest.WaitForAcknowledgedBatchesAsync(20);
        // The silo that hosts the organization's ingest log: what it acknowledged but had not yet
        // delivered to the goal dies with it, and must still be counted exactly once.
        await using (var probe = await system.ConnectProbeAsync())
        {
            var silo = system.SiloIndexOfPort(await probe.IngestSiloPortAsync(tenant.Id));
            system.KillSilo(silo);
            await probe.WaitUntilDeclaredDeadAsync(system.SiloPorts[silo], TimeSpan.FromSeconds(60));
        }
        await sending;

        Assert.True(ingest.ResentAcknowledged > 0, "some acknowledged batches should have been sent again");
        await Eventually.EqualAsync(ingest.AcknowledgedTotal, () => tenant.ProgressAsync(goal), timeoutMs: 60_000);
        var rebuilt = await tenant.PostOkAsync($"/api/v1/goals/{goal}/rebuild", new { });
        Assert.Equal(ingest.AcknowledgedTotal, rebuilt["progress"]!.GetValue<double>());
    }
}
