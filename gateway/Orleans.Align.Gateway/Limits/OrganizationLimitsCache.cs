using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Hosting;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Limits;

/// <summary>
/// Each organization's limits as this gateway enforces them, read from the organization grain and
/// trusted for <see cref="RateLimitOptions.OrganizationLimitsCacheDuration"/>. Past that, the next
/// request starts one re-read and is limited by what the gateway had until the answer arrives, so no
/// request waits for it; only an organization's first request on a gateway waits (one small call).
/// A change therefore reaches every gateway within the cache duration plus one request. When the
/// cluster does not answer, the last known limits stay (the configured defaults if none are known).
/// </summary>
public sealed class OrganizationLimitsCache(
    IClusterClient cluster,
    IOptions<RateLimitOptions> options,
    IOptions<GatewayOptions> gateway,
    TimeProvider clock,
    ILogger<OrganizationLimitsCache> logger)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(Task<EffectiveRateLimits> Read, long ReadAt, EffectiveRateLimits? Previous);

    public EffectiveRateLimits Defaults => Effective(OrganizationRateLimits.Defaults);

    public EffectiveRateLimits Effective(OrganizationRateLimits overrides) =>
        EffectiveRateLimits.Of(options.Value, overrides, gateway.Value.MaxEventsPerBatch);

    public ValueTask<EffectiveRateLimits> GetAsync(string orgId)
    {
        var now = clock.GetTimestamp();
        if (!_entries.TryGetValue(orgId, out var entry))
        {
            entry = _entries.GetOrAdd(orgId, id => new Entry(ReadAsync(id, null), now, null));
        }
        else if (entry.Read.IsCompleted && clock.GetElapsedTime(entry.ReadAt, now) > options.Value.OrganizationLimitsCacheDuration)
        {
            var known = entry.Read.Result;
            var next = new Entry(ReadAsync(orgId, known), now, known);
            entry = _entries.TryUpdate(orgId, next, entry) ? next : _entries.GetValueOrDefault(orgId, next);
        }

        if (entry.Read.IsCompletedSuccessfully) return ValueTask.FromResult(entry.Read.Result);
        return entry.Previous is { } previous ? ValueTask.FromResult(previous) : new ValueTask<EffectiveRateLimits>(entry.Read);
    }

    /// <summary>What this gateway just stored: it takes effect here at once, elsewhere within the cache duration.</summary>
    public void Set(string orgId, OrganizationRateLimits overrides) =>
        _entries[orgId] = new Entry(Task.FromResult(Effective(overrides)), clock.GetTimestamp(), null);

    private async Task<EffectiveRateLimits> ReadAsync(string orgId, EffectiveRateLimits? known)
    {
        try
        {
            var overrides = await cluster.GetGrain<IOrganizationGrain>(orgId).GetRateLimitsAsync().WaitAsync(ReadTimeout);
            return Effective(overrides);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Reading the rate limits of {OrgId} failed; keeping {Limits} until the next read", orgId, known is null ? "the defaults" : "the last known limits");
            return known ?? Defaults;
        }
    }
}
