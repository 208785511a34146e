using Microsoft.Extensions.Logging;

namespace Orleans.Align.Grains.Audit;

[GenerateSerializer, Alias("align.audit-head")]
public sealed class AuditHead
{
    [Id(0)] public long LastId { get; set; }
    [Id(1)] public DateTimeOffset LastAt { get; set; }
    /// <summary>The page being filled: entries after the sealed pages, oldest first; at most <see cref="AuditScan.PageSize"/>.</summary>
    [Id(2)] public List<AuditEntry> Current { get; set; } = [];
    /// <summary>Pages 0 .. SealedPages-1 are sealed in <see cref="AuditPageGrain"/>s.</summary>
    [Id(3)] public long SealedPages { get; set; }
}

/// <summary>
/// An organization's audit log. Appends go to the current page; a full page is written as a whole
/// (the head with the full page first, then the page grain, then the head without it), so a crash
/// between those steps leaves a full page in the head, which the next activation seals again (sealing
/// is idempotent). The head's state is bounded by one page, whatever the log's length.
/// </summary>
public sealed class AuditGrain(
    [PersistentState("audit", StorageNames.Align)] IPersistentState<AuditHead> state,
    TimeProvider clock,
    ILogger<AuditGrain> logger) : Grain, IAuditGrain
{
    private string OrgId => this.GetPrimaryKeyString();
    private AuditHead Head => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Head.Current.Count < AuditScan.PageSize) return;
        try
        {
            await SealCurrentAsync();
        }
        catch (Exception ex)
        {
            // The full page stays in the head, readable; the next append or query seals it.
            logger.LogWarning(ex, "Sealing audit page {Page} of {Org} on activation failed; it will be retried", Head.SealedPages, OrgId);
        }
    }

    public async Task<AuditEntry> AppendAsync(AuditEntry draft)
    {
        var now = clock.GetUtcNow();
        var entry = AuditScan.Bound(draft) with { Id = Head.LastId + 1, At = now > Head.LastAt ? now : Head.LastAt };
        Head.Current.Add(entry);
        Head.LastId = entry.Id;
        Head.LastAt = entry.At;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored: forget it, so that the id is given again and the log has no gap.
            Head.Current.RemoveAt(Head.Current.Count - 1);
            Head.LastId = entry.Id - 1;
            throw;
        }
        if (Head.Current.Count >= AuditScan.PageSize)
        {
            try
            {
                await SealCurrentAsync();
            }
            catch (Exception ex)
            {
                // The entry is stored (in the head); the page is sealed again on the next append or activation.
                logger.LogWarning(ex, "Sealing audit page {Page} of {Org} failed; it will be retried", Head.SealedPages, OrgId);
            }
        }
        return entry;
    }

    private async Task SealCurrentAsync()
    {
        var page = Head.SealedPages;
        var full = Head.Current.Take(AuditScan.PageSize).ToList();
        await GrainFactory.GetGrain<IAuditPageGrain>(GrainKeys.For(OrgId, page.ToString(System.Globalization.CultureInfo.InvariantCulture))).SealAsync(full);
        Head.Current = Head.Current.Skip(AuditScan.PageSize).ToList();
        Head.SealedPages = page + 1;
        await state.WriteStateAsync();
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query)
    {
        var scan = new AuditScan(query);
        if (Head.Current.Count >= AuditScan.PageSize) await SealCurrentAsync(); // a seal that failed earlier (a query answers after it, or fails: 503)
        if (!scan.Offer(Enumerable.Reverse(Head.Current)))
        {
            var first = query.Before is { } before ? Math.Min(Head.SealedPages - 1, AuditScan.PageOf(Math.Max(1, before - 1))) : Head.SealedPages - 1;
            for (var page = first; page >= 0 && !scan.Done; page--)
            {
                var entries = await GrainFactory.GetGrain<IAuditPageGrain>(GrainKeys.For(OrgId, page.ToString(System.Globalization.CultureInfo.InvariantCulture))).GetAsync();
                scan.Offer(Enumerable.Reverse(entries));
            }
        }
        return scan.Result();
    }
}

[GenerateSerializer, Alias("align.audit-page-state")]
public sealed class AuditPageState
{
    [Id(0)] public List<AuditEntry> Entries { get; set; } = [];
    [Id(1)] public bool Sealed { get; set; }
}

/// <summary>One sealed page of an audit log: written once, never changed.</summary>
public sealed class AuditPageGrain(
    [PersistentState("audit-page", StorageNames.Align)] IPersistentState<AuditPageState> state) : Grain, IAuditPageGrain
{
    public async Task SealAsync(IReadOnlyList<AuditEntry> entries)
    {
        if (state.State.Sealed) return; // append-only: a sealed page is never overwritten
        state.State.Entries = [.. entries];
        state.State.Sealed = true;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<AuditEntry>> GetAsync() => Task.FromResult<IReadOnlyList<AuditEntry>>(state.State.Entries);
}
