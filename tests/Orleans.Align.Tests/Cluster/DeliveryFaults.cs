using System.Collections.Concurrent;
using Orleans.Align.Grains;

namespace Orleans.Align.Tests.Cluster;

/// <summary>
/// Test-only faults between the ingest log and the grains it calls, keyed by grain key so that each
/// test breaks only its own organization in the shared cluster.
/// </summary>
public sealed class DeliveryFaults : IIncomingGrainCallFilter
{
    public enum Fault
    {
        /// <summary>The call fails: an unreachable or crashing goal.</summary>
        Fail,
        /// <summary>The call "succeeds" without reaching the grain: a handover lost with a silo.</summary>
        Lose,
    }

    private static readonly ConcurrentDictionary<string, Fault> GoalFaults = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, byte> LostRoutingPushes = new(StringComparer.Ordinal);

    public static void Break(string orgId, string goalId, Fault fault) => GoalFaults[GrainKeys.For(orgId, goalId)] = fault;

    public static void Mend(string orgId, string goalId) => GoalFaults.TryRemove(GrainKeys.For(orgId, goalId), out _);

    public static void LoseRoutingPushes(string orgId, bool lose)
    {
        if (lose) LostRoutingPushes[orgId] = 0;
        else LostRoutingPushes.TryRemove(orgId, out _);
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var key = context.TargetId.Key.ToString();
        var method = context.InterfaceMethod.Name;
        if (method == nameof(IGoalGrain.ApplyAsync) && key is not null && GoalFaults.TryGetValue(key, out var fault))
        {
            if (fault == Fault.Fail) throw new InvalidOperationException($"Test fault: goal {key} refuses deliveries.");
            context.Result = 0L;
            return;
        }
        if (method == nameof(IIngestLogGrain.RoutingChangedAsync) && key is not null && LostRoutingPushes.ContainsKey(key))
        {
            return; // the push never arrives, but the organization believes it did
        }
        await context.Invoke();
    }
}
