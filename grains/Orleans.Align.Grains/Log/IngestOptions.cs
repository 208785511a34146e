namespace Orleans.Align.Grains.Log;

/// <summary>Configuration section <c>Align:Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string Section = "Align:Ingest";

    /// <summary>How long an event id is remembered: a resend within it is a duplicate (or a conflict), at any rate.</summary>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The newest ids, kept exactly in memory (about 185 bytes each); when full they are sealed into a
    /// run in storage, of which memory keeps only a filter and fences. Also the most a restart re-reads from the log.
    /// </summary>
    public int DedupeRecentMaxIds { get; set; } = 1_000_000;

    /// <summary>The recent ids are sealed at least this often, so that runs expire close to the window.</summary>
    public TimeSpan DedupeRunMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Filter bits per sealed id (a blocked Bloom filter, built when a run is sealed or compacted).
    /// 16 bits answer "maybe" for about 0.1% of unseen ids per run (measured, docs/benchmarks.md), so a
    /// lookup that asks ~10-30 filters costs ~0.01-0.03 exact checks per new id.
    /// </summary>
    public double DedupeFilterBitsPerId { get; set; } = 16;

    /// <summary>
    /// Most bytes of filters per partition grain (and for the runs from before partitioning). Past it
    /// the largest filters are dropped: memory stays within this, and each run without a filter costs an
    /// exact check in storage per lookup (never a false duplicate). A partition needs about rate / P ×
    /// (window + one compaction span) × bits per id: 512 MiB holds ~390 events/s per partition sustained
    /// over 7 days at 16 bits; 10,000 events/s over 4 partitions needs ~3.3 GiB each
    /// (docs/benchmarks.md, "Dedupe window").
    /// </summary>
    public long DedupeFilterMaxBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// Sealed runs are compacted per span of this length (by the time of their newest id): a span
    /// that is over becomes one run, so a lookup asks one filter per span of the window. An id is
    /// remembered for up to one span longer than the window (its span's run expires as a whole).
    /// </summary>
    public TimeSpan DedupeCompactionSpan { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How many partition grains (<c>{org}/{p}</c>) hold an organization's sealed runs: each holds the
    /// runs of 1/P of the ids (their filters, fences, compaction, expiry), so a busy organization's
    /// filters are spread over silos, and each id not in the recent window asks one partition. Chosen
    /// once per organization, on its first activation, and stored with its ingest state: a different
    /// value later is logged and the stored one kept (re-partitioning would need every run rewritten).
    /// 4 by default: at 10,000 events/s that is ~3.3 GiB per partition grain instead of 13.3 GiB in one,
    /// while a quiet organization pays for at most 4 small calls per group commit (none while its
    /// partitions hold no ids) and 4 small blobs per sealed run. An organization meant for 100,000
    /// events/s needs 16 or more (docs/benchmarks.md, "Dedupe window").
    /// </summary>
    public int DedupePartitions { get; set; } = 4;

    /// <summary>In the current span, this many runs of one level are merged into one of the next level.</summary>
    public int DedupeCompactionFanIn { get; set; } = 8;

    /// <summary>How many events a goal reads from the log per page when it catches up or rebuilds.</summary>
    public int ReplayPageSize { get; set; } = 5_000;

    /// <summary>
    /// How often a changing view (goal, campaign, department, rule) looks whether its snapshot is due,
    /// and how long what only the snapshot holds (a check-in, an alert for the feed) waits to be written.
    /// </summary>
    public TimeSpan ViewSnapshotInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A view whose snapshot is this many log entries behind writes it (at the next interval). With
    /// <see cref="ViewSnapshotMaxAge"/> it bounds what a crash replays: at most this many entries, or
    /// what the organization logged in one interval if more, or in <see cref="ViewSnapshotMaxAge"/> if fewer.
    /// </summary>
    public long ViewSnapshotEvents { get; set; } = 10_000;

    /// <summary>
    /// The longest a view's snapshot lags what the log gave it. A quiet organization's goals write
    /// once per this rather than once a second (2 pages of replay at most after a crash).
    /// </summary>
    public TimeSpan ViewSnapshotMaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A board pushes the first change after this long without one at once, and later changes at most once per
    /// this interval (10 a second by default). Half of it is what a change waits on average on a busy board.
    /// </summary>
    public TimeSpan BoardPushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often an active goal re-judges its pace: status moves with time even without events.</summary>
    public TimeSpan PaceCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The period of each goal's durable reminder, which wakes a deactivated goal to re-judge its pace,
    /// raise its alerts, roll its reset window and close its period. Orleans refuses periods below its
    /// minimum reminder period (one minute unless <c>Align:Silo:Reminders:MinimumReminderPeriod</c> lowers it).
    /// </summary>
    public TimeSpan PaceReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Most events waiting for one goal. A goal that falls further behind (unreachable, failing) has
    /// its queue dropped and reads the gap from the log when it is back: memory stays bounded and the
    /// other goals never wait for it.
    /// </summary>
    public int MaxPendingEventsPerGoal { get; set; } = 50_000;

    /// <summary>Most events in one delivery message to a goal; a larger backlog goes in several.</summary>
    public int MaxEventsPerDelivery { get; set; } = 5_000;

    /// <summary>
    /// How long one group commit may take before its callers get a 503 (and resend): a hanging storage
    /// answers within this, rather than after the storage client's own retries.
    /// </summary>
    public TimeSpan AppendTimeout { get; set; } = TimeSpan.FromSeconds(2.5);

    /// <summary>How often the ingest log records, apart from the log itself, how far it has acknowledged.</summary>
    public TimeSpan HighWaterInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the ingest log checks the organization's routing version, in case it missed a change.</summary>
    public TimeSpan RoutingCheckInterval { get; set; } = TimeSpan.FromSeconds(2);
}
