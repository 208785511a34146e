using System.Collections.Concurrent;

namespace Orleans.Align.Grains.Log;

/// <summary>An organization's log is behind what was acknowledged: storage lost writes it had confirmed.</summary>
public sealed record LogBehind(string OrgId, long Tail, long Acknowledged, DateTimeOffset Since);

/// <summary>
/// What this silo's ingest grains found wrong with their logs, for the health check and operators.
/// A log that went backwards is an alarm, never something to write over: the sequence numbers past
/// its tail were acknowledged and applied by goals, and reusing them would make those goals skip
/// the new events silently.
/// </summary>
public sealed class LogIntegrity
{
    private readonly ConcurrentDictionary<string, LogBehind> _behind = new(StringComparer.Ordinal);

    public void ReportBehind(LogBehind behind) => _behind.TryAdd(behind.OrgId, behind);

    /// <summary>The ingest grain that raised it deactivated (a restart re-checks on activation).</summary>
    public void Clear(string orgId) => _behind.TryRemove(orgId, out _);

    public IReadOnlyCollection<LogBehind> Behind => [.. _behind.Values];
}
