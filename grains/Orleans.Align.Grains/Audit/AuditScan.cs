namespace Orleans.Align.Grains.Audit;

/// <summary>
/// The paging and filter rules of the audit log, pure: entries are offered newest first (the page
/// being filled, then sealed pages from the newest down); the scan keeps those below the query's
/// <c>before</c> that match every filter, stops at the limit, at the first entry older than
/// <c>since</c> (time never goes back as ids grow), or after <see cref="MaxScan"/> entries examined,
/// and says where to continue.
/// </summary>
public sealed class AuditScan(AuditQuery query, int budget = AuditScan.MaxScan)
{
    /// <summary>Entries per sealed page.</summary>
    public const int PageSize = 256;

    /// <summary>The most entries one request examines (eight pages): a filter that matches rarely costs bounded work, then <c>next</c>.</summary>
    public const int MaxScan = 2_048;

    /// <summary>The page (from 0) that holds entry <paramref name="id"/> (ids from 1).</summary>
    public static long PageOf(long id) => (id - 1) / PageSize;

    private readonly List<AuditEntry> _found = [];
    private long? _lowest;
    private int _scanned;
    private bool _exhausted;

    /// <summary>True once nothing more need be offered.</summary>
    public bool Done { get; private set; }

    /// <summary>Offers entries, newest first; returns <see cref="Done"/>.</summary>
    public bool Offer(IEnumerable<AuditEntry> newestFirst)
    {
        foreach (var e in newestFirst)
        {
            if (Done) break;
            if (query.Before is { } before && e.Id >= before) continue;
            if (query.Since is { } since && e.At < since)
            {
                _exhausted = true;
                Done = true;
                break;
            }
            _scanned++;
            _lowest = e.Id;
            if (Matches(e, query))
            {
                _found.Add(e);
                if (_found.Count >= query.Limit) Done = true;
            }
            if (_scanned >= budget) Done = true;
        }
        return Done;
    }

    /// <summary>What was found, and the <c>before</c> for the rest: null when the scan reached the first entry or <c>since</c>.</summary>
    public AuditPage Result() =>
        new(_found.ToList(), _exhausted || _lowest is not { } lowest || lowest <= 1 ? null : lowest);

    public static bool Matches(AuditEntry e, AuditQuery q)
    {
        if (q.Until is { } until && e.At > until) return false;
        if (q.Since is { } since && e.At < since) return false;
        if (q.Action is { } action && !(e.Action == action || (!action.Contains('.') && e.Action.StartsWith(action + ".", StringComparison.Ordinal))))
            return false;
        if (q.Actor is { } actor && !string.Equals(e.Actor.Id, actor, StringComparison.Ordinal)) return false;
        return true;
    }

    /// <summary>At most this many detail members, each value cut to <see cref="MaxDetailValue"/> characters.</summary>
    public const int MaxDetailMembers = 8, MaxDetailKey = 32, MaxDetailValue = 200, MaxText = 254;

    /// <summary>The entry as it may be stored: every text bounded, so an entry is small whatever the request was.</summary>
    public static AuditEntry Bound(AuditEntry e) => e with
    {
        Actor = new AuditActor(Cut(e.Actor.Kind, 16), Cut(e.Actor.Id, MaxText), Cut(e.Actor.Display, MaxText)),
        Action = Cut(e.Action, 64),
        Target = new AuditTarget(Cut(e.Target.Type, 32), e.Target.Id is null ? null : Cut(e.Target.Id, MaxText)),
        Outcome = Cut(e.Outcome, 16),
        Detail = e.Detail is null ? null : BoundDetail(e.Detail),
    };

    private static Dictionary<string, string> BoundDetail(IReadOnlyDictionary<string, string> detail)
    {
        var bounded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in detail)
        {
            if (bounded.Count >= MaxDetailMembers) break;
            bounded.TryAdd(Cut(key, MaxDetailKey), Cut(value ?? "", MaxDetailValue));
        }
        return bounded;
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
