using Orleans.Align.Grains.Audit;

namespace Orleans.Align.Tests.Audit;

/// <summary>The audit log's paging and filters, on their own: newest first, below 'before', bounded, with where to continue.</summary>
public sealed class AuditScanTests
{
    private static readonly DateTimeOffset T0 = new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly AuditActor Admin = new(AuditActor.Key, "k1", "admin key");
    private static readonly AuditActor Maya = new(AuditActor.Person, "maya@acme.example", "maya@acme.example");

    /// <summary>Entries 1..n, a minute apart, alternating actions and actors; newest first.</summary>
    private static List<AuditEntry> Log(int n) =>
        Enumerable.Range(1, n).Select(i => new AuditEntry(i, T0.AddMinutes(i), i % 2 == 0 ? Maya : Admin,
            i % 3 == 0 ? "key.revoked" : i % 3 == 1 ? "key.created" : "rule.changed", new AuditTarget("key", $"k{i}"), AuditEntry.Succeeded, 200))
            .Reverse().ToList();

    private static AuditPage Run(AuditQuery query, List<AuditEntry> newestFirst, int budget = AuditScan.MaxScan)
    {
        var scan = new AuditScan(query, budget);
        scan.Offer(newestFirst);
        return scan.Result();
    }

    [Fact]
    public void Pages_newest_first_and_each_next_continues_where_the_last_stopped()
    {
        var log = Log(25);
        var seen = new List<long>();
        long? before = null;
        var pages = 0;
        do
        {
            var page = Run(new AuditQuery(before, 10), log);
            seen.AddRange(page.Entries.Select(e => e.Id));
            before = page.Next;
            pages++;
        } while (before is not null);
        Assert.Equal(Enumerable.Range(1, 25).Reverse().Select(i => (long)i), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public void The_last_page_has_no_next_and_an_empty_log_neither()
    {
        Assert.Null(Run(new AuditQuery(Limit: 50), Log(3)).Next);
        Assert.Null(Run(new AuditQuery(Limit: 50), []).Next);
        var exact = Run(new AuditQuery(Limit: 3), Log(3));
        Assert.Equal(3, exact.Entries.Count);
        Assert.Null(exact.Next); // the limit was reached on entry 1: nothing older remains
        Assert.Empty(Run(new AuditQuery(Before: 1), Log(3)).Entries);
    }

    [Fact]
    public void Filters_by_action_family_actor_and_time()
    {
        var log = Log(30);
        Assert.All(Run(new AuditQuery(Action: "key.revoked"), log).Entries, e => Assert.Equal("key.revoked", e.Action));
        Assert.Equal(10, Run(new AuditQuery(Action: "key.revoked"), log).Entries.Count);
        Assert.Equal(20, Run(new AuditQuery(Action: "key"), log).Entries.Count); // a family: key.*
        Assert.Empty(Run(new AuditQuery(Action: "key.rev"), log).Entries);        // not a prefix of a verb
        Assert.Empty(Run(new AuditQuery(Action: "ke"), log).Entries);
        Assert.Equal(15, Run(new AuditQuery(Actor: "maya@acme.example"), log).Entries.Count);
        Assert.Empty(Run(new AuditQuery(Actor: "admin key"), log).Entries); // a key's name is not its id
        Assert.Equal(15, Run(new AuditQuery(Actor: "k1"), log).Entries.Count);        // or its id
        var window = Run(new AuditQuery(Since: T0.AddMinutes(10), Until: T0.AddMinutes(12)), log);
        Assert.Equal([12L, 11L, 10L], window.Entries.Select(e => e.Id));
        Assert.Null(window.Next); // since was reached: nothing older can match
    }

    [Fact]
    public void A_rare_match_costs_a_bounded_scan_and_says_where_to_go_on()
    {
        var log = Log(100);
        var page = Run(new AuditQuery(Actor: "nobody"), log, budget: 40);
        Assert.Empty(page.Entries);
        Assert.Equal(61, page.Next); // 100..61 examined
        var rest = Run(new AuditQuery(Before: page.Next, Actor: "nobody"), log, budget: 40);
        Assert.Equal(21, rest.Next);
        Assert.Null(Run(new AuditQuery(Before: 21, Actor: "nobody"), log, budget: 40).Next);
    }

    [Fact]
    public void Before_skips_newer_entries_without_counting_them()
    {
        var page = Run(new AuditQuery(Before: 90, Limit: 5), Log(100), budget: 5);
        Assert.Equal([89L, 88L, 87L, 86L, 85L], page.Entries.Select(e => e.Id));
        Assert.Equal(85, page.Next);
    }

    [Fact]
    public void Stored_entries_are_bounded_whatever_the_request_was()
    {
        var detail = Enumerable.Range(0, 50).ToDictionary(i => new string('k', 100) + i, i => new string('v', 10_000));
        var e = AuditScan.Bound(new AuditEntry(1, T0, new AuditActor("person", new string('a', 5000), new string('b', 5000)), "x.y",
            new AuditTarget("rule", new string('r', 5000)), AuditEntry.Succeeded, 200, detail));
        Assert.True(e.Detail!.Count <= AuditScan.MaxDetailMembers);
        Assert.All(e.Detail, p => Assert.True(p.Key.Length <= AuditScan.MaxDetailKey && p.Value.Length <= AuditScan.MaxDetailValue));
        Assert.True(e.Actor.Id.Length <= AuditScan.MaxText && e.Target.Id!.Length <= AuditScan.MaxText);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(256, 0)]
    [InlineData(257, 1)]
    [InlineData(513, 2)]
    public void Ids_fall_in_pages_of_256(long id, long page) => Assert.Equal(page, AuditScan.PageOf(id));
}
