using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains.Catalogue;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Views;

namespace Orleans.Align.Grains.Campaigns;

/// <summary>
/// An integrated campaign: its definition and activities, and a view of the log like a goal's. The
/// ingest log delivers the campaign's events to it in ranges, exactly once by sequence number
/// (<see cref="LogFollower"/>); it keeps live totals for the campaign, per department and per
/// activity (<see cref="CampaignResults"/>) and tells its war room and its departments when they move.
/// </summary>
public sealed class CampaignGrain(
    [PersistentState("campaign", StorageNames.Align)] IPersistentState<StoredValue<Campaign>> definition,
    [PersistentState("campaign-results", StorageNames.Align)] IPersistentState<CampaignResults> results,
    IEventLogStore log,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<CampaignGrain> logger) : Grain, ICampaignGrain, ILogView
{
    private LogFollower _follower = null!;
    private ViewSnapshots<CampaignResults> _snapshots = null!;
    private ViewContext _context = null!;
    private Func<MetricEvent, bool> _counts = null!;

    private (string OrgId, string CampaignId) Key => GrainKeys.Parse(this.GetPrimaryKeyString());
    private CampaignResults R => results.State;
    private Campaign? Definition => definition.State.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (orgId, campaignId) = Key;
        _follower = new LogFollower(log, orgId, options.Value.ReplayPageSize);
        _snapshots = new ViewSnapshots<CampaignResults>(this, results, options.Value.ViewSnapshotInterval, logger, $"campaign {campaignId} of {orgId}");
        _context = new ViewContext(GrainFactory, orgId);
        _counts = ViewTarget.OfCampaign(campaignId).Counts;
        if (Definition is not { } campaign) return;
        await _context.LoadAsync();
        // Results computed for another definition (an activity changed and the silo died before the
        // rebuild was saved) are recomputed from the log; otherwise the log after the snapshot is read.
        if (R.ComputedFor != Fingerprint(campaign)) Reset(campaign);
        if (await _follower.CatchUpAsync(this, long.MaxValue, cancellationToken) || R.ComputedFor is null) _snapshots.MarkDirty();
        R.ComputedFor = Fingerprint(campaign);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await _snapshots.SaveAsync(cancellationToken);

    public async Task DefineAsync(Campaign campaign)
    {
        definition.State.Value = campaign;
        await definition.WriteStateAsync();
        await _context.LoadAsync();
        await RebuildAsync(campaign);
    }

    public Task<Campaign?> GetAsync() => Task.FromResult(Definition);

    public async Task<CampaignView> SetActivityAsync(CampaignActivity activity)
    {
        var campaign = Definition ?? throw AlignException.NotFound($"Campaign '{Key.CampaignId}' does not exist.");
        var activities = (campaign.Activities ?? []).ToList();
        var at = activities.FindIndex(a => a.Id == activity.Id);
        if (at >= 0) activities[at] = activity;
        else activities.Add(activity);
        campaign = campaign with { Activities = activities.ToArray() };
        definition.State.Value = campaign;
        await definition.WriteStateAsync();
        // A changed target or period changes which past events count for it: recompute from the log.
        return await RebuildAsync(campaign);
    }

    public async Task<CampaignView?> GetViewAsync()
    {
        if (Definition is not { } campaign) return null;
        await _context.RefreshIfUnknownAsync(R.Totals.Sums.Keys);
        return View(campaign);
    }

    public async Task<long> ApplyAsync(LogRange range)
    {
        // Not defined yet: routed before its definition landed; DefineAsync reads the log, so nothing is lost.
        if (Definition is not { } campaign) return 0;
        var (moved, advanced) = await _follower.ApplyRangeAsync(this, range, $"Campaign '{Key.CampaignId}'");
        if (moved || advanced) _snapshots.MarkDirty();
        if (moved) await PublishAsync(campaign);
        return R.AppliedThrough;
    }

    long ILogView.AppliedThrough
    {
        get => R.AppliedThrough;
        set => R.AppliedThrough = value;
    }

    int ILogView.Apply(IEnumerable<LoggedEvent> events)
    {
        var campaign = Definition!;
        var applied = 0;
        foreach (var e in events)
        {
            if (e.Sequence <= R.AppliedThrough) continue;
            R.AppliedThrough = e.Sequence;
            if (!_counts(e.Event)) continue;
            R.Count(campaign, e.Event);
            applied++;
        }
        if (applied > 0) R.UpdatedAt = clock.GetUtcNow();
        return applied;
    }

    private void Reset(Campaign campaign) => results.State = new CampaignResults { ComputedFor = Fingerprint(campaign), UpdatedAt = clock.GetUtcNow() };

    private async Task<CampaignView> RebuildAsync(Campaign campaign)
    {
        Reset(campaign);
        await _follower.CatchUpAsync(this, long.MaxValue, CancellationToken.None);
        await _snapshots.WriteAsync();
        return await PublishAsync(campaign);
    }

    private CampaignView View(Campaign campaign) => R.View(campaign, _context.Catalogue, _context.Settings, clock.GetUtcNow());

    /// <summary>The war room shows the campaign; each of its departments shows its own activities on its scorecard.</summary>
    private async Task<CampaignView> PublishAsync(Campaign campaign)
    {
        await _context.RefreshIfUnknownAsync(R.Totals.Sums.Keys);
        var view = View(campaign);
        var orgId = Key.OrgId;
        try
        {
            var departments = campaign.Departments.Concat((campaign.Activities ?? []).Select(a => a.Department)).Distinct();
            await Task.WhenAll(departments
                .Select(d => GrainFactory.GetGrain<IDepartmentGrain>(GrainKeys.For(orgId, d)).CampaignChangedAsync(view))
                .Append(GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(orgId, BoardIds.ForCampaign(campaign.Id))).CampaignChangedAsync(view)));
        }
        catch (Exception ex)
        {
            // A board or department that missed this change gets the whole view with the next one.
            logger.LogWarning(ex, "Publishing campaign {CampaignId} of {OrgId} failed", campaign.Id, orgId);
        }
        return view;
    }

    /// <summary>What the results depend on: the activities, their targets and the launch window.</summary>
    private static string Fingerprint(Campaign campaign) => JsonSerializer.Serialize(campaign);
}
