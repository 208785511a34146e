using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains.Catalogue;
using Orleans.Align.Grains.Log;
using Orleans.Align.Grains.Views;

namespace Orleans.Align.Grains.Campaigns;

/// <summary>
/// An integrated campaign: its definition and activities, and a view of the log like a goal's
/// (<see cref="LogViewGrain{TState}"/>): live totals for the campaign, per department and per
/// activity (<see cref="CampaignResults"/>). It tells its war room and its departments when they move.
/// </summary>
public sealed class CampaignGrain(
    [PersistentState("campaign", StorageNames.Align)] IPersistentState<StoredValue<Campaign>> definition,
    [PersistentState("campaign-results", StorageNames.Align)] IPersistentState<CampaignResults> results,
    IEventLogStore log,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<CampaignGrain> logger) : LogViewGrain<CampaignResults>(results, log, options.Value, clock, logger), ICampaignGrain
{
    private Campaign? Definition => definition.State.Value;

    protected override ViewTarget Target => ViewTarget.OfCampaign(Key.Id);

    protected override bool Defined => Definition is not null;

    protected override void Count(MetricEvent e) => S.Count(Definition!, e);

    /// <summary>A target's pace moves with time until the last target period (or the launch window) is over and judged.</summary>
    protected override DateTimeOffset? TimeMattersUntil =>
        (Definition?.Activities ?? []).SelectMany(a => a.Targets ?? []).Select(t => t.End ?? Definition!.LaunchEnd).Max() is { } end
            ? end + options.Value.PaceReminderPeriod
            : null;

    /// <summary>
    /// Results computed for another definition (an activity changed and the silo died before the
    /// rebuild was saved) are recomputed from the log; otherwise the log after the snapshot is read.
    /// </summary>
    protected override void BeforeCatchUp()
    {
        if (S.ComputedFor != Fingerprint(Definition!)) Reset(Definition!);
    }

    public async Task DefineAsync(Campaign campaign)
    {
        definition.State.Value = campaign;
        await definition.WriteStateAsync();
        await RebuildAsync(campaign);
    }

    public Task<Campaign?> GetAsync() => Task.FromResult(Definition);

    public async Task<CampaignView> SetActivityAsync(CampaignActivity activity)
    {
        var campaign = Definition ?? throw AlignException.NotFound($"Campaign '{Key.Id}' does not exist.");
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

    public async Task<CampaignView> ChangeAsync(string name, IReadOnlyList<string> departments, DateTimeOffset? launchStart, DateTimeOffset? launchEnd)
    {
        var before = Definition ?? throw AlignException.NotFound($"Campaign '{Key.Id}' does not exist.");
        // The same definition again (a retry): nothing to save or recompute.
        if (before.Name == name && before.Departments.SequenceEqual(departments) && before.LaunchStart == launchStart && before.LaunchEnd == launchEnd)
            return await ViewAsync();
        var campaign = before with { Name = name, Departments = departments.ToArray(), LaunchStart = launchStart, LaunchEnd = launchEnd };
        definition.State.Value = campaign;
        await definition.WriteStateAsync();
        if (campaign.Name != before.Name)
        {
            try
            {
                await GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(Key.OrgId, BoardIds.ForCampaign(Key.Id))).TitleChangedAsync($"{name} war room");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The war room reads its title again when it next activates.
                logger.LogWarning(ex, "Retitling the war room of campaign {Campaign} of {OrgId} failed", Key.Id, Key.OrgId);
            }
        }
        // The results record the definition they were computed for: a changed name, department list or
        // launch window (the default period of targets) is recomputed like an activity change (one log scan).
        return await RebuildAsync(campaign);
    }

    public async Task<CampaignView> SetArchivedAsync(bool archived)
    {
        var campaign = Definition ?? throw AlignException.NotFound($"Campaign '{Key.Id}' does not exist.");
        if (campaign.Archived != archived)
        {
            definition.State.Value = campaign with { Archived = archived };
            await definition.WriteStateAsync();
            // The results do not depend on the flag (see Fingerprint): only the war room and departments are told.
            await PublishAsync();
        }
        return await ViewAsync();
    }

    public async Task<CampaignView?> GetViewAsync() => Definition is null ? null : await ViewAsync();

    private void Reset(Campaign campaign) => Replace(new CampaignResults { ComputedFor = Fingerprint(campaign), UpdatedAt = Clock.GetUtcNow() });

    private async Task<CampaignView> RebuildAsync(Campaign campaign)
    {
        Reset(campaign);
        await CatchUpAndSaveAsync();
        await PublishAsync();
        return await ViewAsync();
    }

    private async Task<CampaignView> ViewAsync()
    {
        await Context.RefreshIfUnknownAsync(S.Totals.Sums.Keys);
        return S.View(Definition!, Context.Catalogue, Context.Settings, Clock.GetUtcNow()) with { Archived = Definition!.Archived };
    }

    /// <summary>The war room shows the campaign; each of its departments shows its own activities on its scorecard.</summary>
    protected override async Task PublishAsync()
    {
        var campaign = Definition!;
        var view = await ViewAsync();
        try
        {
            var departments = campaign.Departments.Concat((campaign.Activities ?? []).Select(a => a.Department)).Distinct();
            await Task.WhenAll(departments
                .Select(d => GrainFactory.GetGrain<IDepartmentGrain>(GrainKeys.For(Key.OrgId, d)).CampaignChangedAsync(view))
                .Append(GrainFactory.GetGrain<IBoardGrain>(GrainKeys.For(Key.OrgId, BoardIds.ForCampaign(campaign.Id))).CampaignChangedAsync(view)))
                .WaitAsync(PeerCalls.PublishWait);
        }
        catch (Exception ex)
        {
            // A board or department that missed this change gets the whole view with the next one.
            logger.LogWarning(ex, "Publishing campaign {CampaignId} of {OrgId} failed", campaign.Id, Key.OrgId);
        }
    }

    /// <summary>
    /// What the results depend on: the activities, their targets and the launch window (and the name
    /// and departments, which the results show). Not the archived flag: archiving recomputes nothing.
    /// </summary>
    private static string Fingerprint(Campaign campaign) => JsonSerializer.Serialize(campaign with { Archived = false });
}
