using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Align.Grains.Log;

namespace Orleans.Align.Silo;

/// <summary>
/// Unhealthy while an ingest grain on this silo has found its organization's log shorter than what
/// it acknowledged: storage lost confirmed writes, ingest for that organization is stopped, and an
/// operator has to restore the log. The description names the organizations and positions.
/// </summary>
internal sealed class LogIntegrityHealthCheck(LogIntegrity integrity) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var behind = integrity.Behind;
        if (behind.Count == 0) return Task.FromResult(HealthCheckResult.Healthy("Every event log is at or past what it acknowledged."));
        var detail = string.Join("; ", behind.OrderBy(b => b.OrgId, StringComparer.Ordinal).Take(10)
            .Select(b => $"{b.OrgId}: log ends at {b.Tail}, {b.Acknowledged} acknowledged (since {b.Since:u})"));
        return Task.FromResult(HealthCheckResult.Unhealthy(
            $"Event logs lost acknowledged writes; ingest is stopped for {behind.Count} organization(s): {detail}"));
    }
}
