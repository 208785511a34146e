using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Alignment;

/// <summary>
/// The shared cluster runs on the real clock, so goals whose status matters sit around now: by
/// default a goal started a day ago and ends in a day. About half its period has passed, and its
/// expected progress moves by well under a hundredth of a percent while a test runs.
/// </summary>
public static class LiveGoals
{
    public static readonly TimeSpan OneDay = TimeSpan.FromDays(1);

    public static GoalDefinition LiveGoal(
        string id, string metric, double target, GoalKind kind = GoalKind.IncreaseTo, GoalScope? scope = null, double baseline = 0,
        TimeSpan? startedAgo = null, TimeSpan? endsIn = null, string? parentId = null, double weight = 1)
    {
        var now = DateTimeOffset.UtcNow;
        return new(id, $"Goal {id}", metric, target, [Marketing], scope ?? GoalScope.All,
            now - (startedAgo ?? OneDay), now + (endsIn ?? OneDay), kind, baseline, parentId, weight);
    }

    /// <summary>A parent whose progress is the weighted average of its children's.</summary>
    public static GoalDefinition RollUpOf(string id, GoalScope? scope = null) =>
        LiveGoal(id, "launch_success", target: 100, scope: scope) with { RollUp = RollUp.Children };

    /// <summary>An event a few minutes ago (or <paramref name="ago"/>): inside every live goal's period.</summary>
    public static MetricEvent Recent(string id, string metric, double value, string? campaign = null, string? department = null, TimeSpan? ago = null) =>
        new(id, metric, value, DateTimeOffset.UtcNow - (ago ?? TimeSpan.FromMinutes(5)), campaign, department);
}
