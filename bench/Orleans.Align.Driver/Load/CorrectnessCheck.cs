using System.Diagnostics;
using Orleans.Align.Driver.Api;

namespace Orleans.Align.Driver.Load;

public sealed record CorrectnessResult(
    bool Pass,
    long ExpectedEvents,
    long CountedEvents,
    double? SecondsToCatchUp,
    string Detail);

/// <summary>
/// Goals are views applied behind the acknowledgement, so they lag for a moment. Polls every goal of
/// every organization until each has counted exactly the acknowledged events it should, or a deadline passes.
/// </summary>
public static class CorrectnessCheck
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<CorrectnessResult> RunAsync(IReadOnlyList<LoadTenant> tenants, LoadFigures figures, CancellationToken cancellationToken)
    {
        var expectedTotal = figures.ExpectedByGoalPerTenant.Sum(goals => goals.Sum());
        var unresolved = figures.Tallies.Sum(t => t.UnresolvedBatches);
        var lastAck = figures.Tallies.Max(t => t.LastAcknowledgedAt);
        var started = Stopwatch.GetTimestamp();
        var counted = new long[tenants.Count][];
        string? lastProblem = null;

        while (true)
        {
            try
            {
                for (var t = 0; t < tenants.Count; t++) counted[t] = await CountAsync(tenants[t], cancellationToken);
                lastProblem = null;
                if (Matches(figures.ExpectedByGoalPerTenant, counted))
                {
                    var caughtUp = lastAck > 0 ? Stopwatch.GetElapsedTime(lastAck).TotalSeconds : (double?)null;
                    return unresolved == 0
                        ? new CorrectnessResult(true, expectedTotal, expectedTotal, caughtUp, "every goal counted exactly the acknowledged events it should")
                        : new CorrectnessResult(false, expectedTotal, expectedTotal, caughtUp,
                            $"the counts match, but {unresolved} batch(es) were never acknowledged, so the check is not exact");
                }
            }
            catch (Exception ex) when (TransientRetry.IsTransient(ex, cancellationToken))
            {
                lastProblem = TransientRetry.Describe(ex);
            }

            if (Stopwatch.GetElapsedTime(started) + PollInterval > Deadline)
            {
                var total = counted.Where(c => c is not null).Sum(c => c.Sum());
                return new CorrectnessResult(false, expectedTotal, total, null,
                    lastProblem is not null ? $"the goals could not be read: {lastProblem}" : Difference(tenants, figures.ExpectedByGoalPerTenant, counted));
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static async Task<long[]> CountAsync(LoadTenant tenant, CancellationToken cancellationToken)
    {
        var goals = await tenant.Admin.ListGoalsAsync(cancellationToken);
        var counts = new long[LoadScenario.GoalMetrics.Count];
        for (var g = 0; g < counts.Length; g++)
        {
            var id = LoadScenario.GoalId(LoadScenario.GoalMetrics[g]);
            counts[g] = goals.FirstOrDefault(v => v.Id == id)?.EventCount ?? -1;
        }
        return counts;
    }

    private static bool Matches(IReadOnlyList<long[]> expected, long[][] counted) =>
        expected.Select((goals, t) => goals.AsSpan().SequenceEqual(counted[t])).All(same => same);

    private static string Difference(IReadOnlyList<LoadTenant> tenants, IReadOnlyList<long[]> expected, long[][] counted)
    {
        var lines = new List<string>();
        for (var t = 0; t < tenants.Count; t++)
        {
            if (counted[t] is null) continue;
            for (var g = 0; g < expected[t].Length; g++)
            {
                if (expected[t][g] != counted[t][g])
                    lines.Add($"{tenants[t].OrgId}/{LoadScenario.GoalId(LoadScenario.GoalMetrics[g])} counted {counted[t][g]:N0}, expected {expected[t][g]:N0}");
            }
        }
        return $"after {Deadline.TotalSeconds:0} s: " + string.Join("; ", lines);
    }
}
