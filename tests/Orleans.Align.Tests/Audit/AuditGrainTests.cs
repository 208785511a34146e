using Microsoft.Extensions.DependencyInjection;
using Orleans.Align.Grains;
using Orleans.Align.Grains.Audit;
using Orleans.Align.Tests.Cluster;
using Orleans.Storage;

namespace Orleans.Align.Tests.Audit;

/// <summary>The audit log in a silo: ids with no gaps, full pages sealed into page grains, the head bounded, sealed pages never rewritten.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AuditGrainTests(ClusterFixture cluster)
{
    private static string NewOrg() => $"audit-{Guid.NewGuid():N}"[..24];

    private static AuditEntry Draft(int i) => new(0, default, new AuditActor(AuditActor.Key, "k1", "admin key"),
        i % 2 == 0 ? "rule.changed" : "key.created", new AuditTarget("rule", $"r{i}"), AuditEntry.Succeeded, 200,
        new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private async Task<AuditHead> HeadAsync(string org)
    {
        var storage = cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Align);
        var state = new GrainState<AuditHead>(new AuditHead());
        await storage.ReadStateAsync("audit", cluster.Client.GetGrain<IAuditGrain>(org).GetGrainId(), state);
        return state.State!;
    }

    [Fact]
    public async Task Many_entries_are_sealed_into_pages_and_read_back_newest_first_in_order()
    {
        var org = NewOrg();
        var audit = cluster.Client.GetGrain<IAuditGrain>(org);
        const int Count = AuditScan.PageSize * 3 + 17;
        DateTimeOffset last = default;
        for (var i = 1; i <= Count; i++)
        {
            var stored = await audit.AppendAsync(Draft(i));
            Assert.Equal(i, stored.Id);           // monotonic, no gaps
            Assert.True(stored.At >= last);       // time never goes back
            last = stored.At;
        }

        // The head holds only the page being filled; three pages are sealed, each whole.
        var head = await HeadAsync(org);
        Assert.Equal(3, head.SealedPages);
        Assert.Equal(17, head.Current.Count);
        Assert.Equal(Count, head.LastId);
        for (var p = 0; p < 3; p++)
        {
            var page = await cluster.Client.GetGrain<IAuditPageGrain>(GrainKeys.For(org, p.ToString(System.Globalization.CultureInfo.InvariantCulture))).GetAsync();
            Assert.Equal(Enumerable.Range(p * AuditScan.PageSize + 1, AuditScan.PageSize).Select(i => (long)i), page.Select(e => e.Id));
        }

        // Paging through everything, 100 at a time, gives every entry once, newest first, across page boundaries.
        var ids = new List<long>();
        long? before = null;
        do
        {
            var page = await audit.QueryAsync(new AuditQuery(before, 100));
            ids.AddRange(page.Entries.Select(e => e.Id));
            before = page.Next;
        } while (before is not null);
        Assert.Equal(Enumerable.Range(1, Count).Reverse().Select(i => (long)i), ids);

        // A filter over sealed pages; a rare one stops after a bounded scan and says where to go on.
        var changed = await audit.QueryAsync(new AuditQuery(Before: 300, Limit: 3, Action: "rule.changed"));
        Assert.Equal([298L, 296L, 294L], changed.Entries.Select(e => e.Id));
        var none = await audit.QueryAsync(new AuditQuery(Actor: "nobody", Limit: 10));
        Assert.Empty(none.Entries);
        Assert.Null(none.Next); // fewer than MaxScan entries in all: the scan reached the first
    }

    [Fact]
    public async Task A_sealed_page_is_never_rewritten_and_the_log_survives_a_new_activation()
    {
        var org = NewOrg();
        var audit = cluster.Client.GetGrain<IAuditGrain>(org);
        for (var i = 1; i <= AuditScan.PageSize + 2; i++) await audit.AppendAsync(Draft(i));
        var page0 = cluster.Client.GetGrain<IAuditPageGrain>(GrainKeys.For(org, "0"));
        await page0.SealAsync([Draft(999) with { Id = 1 }]); // an attempt to overwrite
        var kept = await page0.GetAsync();
        Assert.Equal(AuditScan.PageSize, kept.Count);
        Assert.Equal("1", kept[0].Detail!["n"]);

        // A new activation continues the ids where the stored head left them.
        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var next = await audit.AppendAsync(Draft(1000));
        Assert.Equal(AuditScan.PageSize + 3, next.Id);
        var newest = await audit.QueryAsync(new AuditQuery(Limit: 4));
        Assert.Equal([259L, 258L, 257L, 256L], newest.Entries.Select(e => e.Id));
    }
}
