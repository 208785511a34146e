using System.Text.Json.Serialization;

namespace Orleans.Align;

/// <summary>
/// What moved in a goal since the board's previous push: the goal's id and each field that changed, the
/// others null (unchanged). Only the fields that events and time move are here; when anything else
/// changes (title, target, owners, a check-in...), or a field here goes back to null, the push carries
/// the whole <see cref="GoalView"/> instead (<see cref="Between"/>). In JSON an unchanged field is left
/// out; in MessagePack it is nil.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.goal-delta")]
public sealed record GoalDelta(
    [property: Id(0)] string Id,
    [property: Id(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Progress = null,
    [property: Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Percent = null,
    [property: Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GoalStatus? Status = null,
    [property: Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ExpectedPercent = null,
    [property: Id(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? UpdatedAt = null,
    [property: Id(6), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? AppliedThrough = null,
    [property: Id(7), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? EventCount = null,
    [property: Id(8), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, double>? Parts = null,
    [property: Id(9), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Contribution>? Contributions = null)
{
    /// <summary>The names of the <see cref="GoalView"/> properties a delta carries; every other one travels only in whole views.</summary>
    public static readonly IReadOnlySet<string> Carried = new HashSet<string>(StringComparer.Ordinal)
    {
        nameof(GoalView.Id), nameof(GoalView.Progress), nameof(GoalView.Percent), nameof(GoalView.Status), nameof(GoalView.ExpectedPercent),
        nameof(GoalView.UpdatedAt), nameof(GoalView.AppliedThrough), nameof(GoalView.EventCount), nameof(GoalView.Parts), nameof(GoalView.Contributions),
    };

    /// <summary>Whether the delta says nothing beyond the goal's id (a method, not a property: properties go on the wire).</summary>
    public bool SaysNothing() => this == new GoalDelta(Id);

    /// <summary>
    /// What a viewer that shows <paramref name="shown"/> needs to show <paramref name="now"/>; null when only the
    /// whole view can say it (a field outside the delta changed, or a field of the delta went back to null).
    /// </summary>
    public static GoalDelta? Between(GoalView shown, GoalView now)
    {
        if (!SameDefinition(shown, now)) return null;
        if ((shown.Progress is not null && now.Progress is null) || (shown.Percent is not null && now.Percent is null)
            || (shown.ExpectedPercent is not null && now.ExpectedPercent is null) || (shown.Parts is not null && now.Parts is null)
            || (shown.Contributions is not null && now.Contributions is null))
            return null;
        return new GoalDelta(
            now.Id,
            Progress: now.Progress == shown.Progress ? null : now.Progress,
            Percent: now.Percent == shown.Percent ? null : now.Percent,
            Status: now.Status == shown.Status ? null : now.Status,
            ExpectedPercent: now.ExpectedPercent == shown.ExpectedPercent ? null : now.ExpectedPercent,
            UpdatedAt: now.UpdatedAt == shown.UpdatedAt ? null : now.UpdatedAt,
            AppliedThrough: now.AppliedThrough == shown.AppliedThrough ? null : now.AppliedThrough,
            EventCount: now.EventCount == shown.EventCount ? null : now.EventCount,
            Parts: SameParts(shown.Parts, now.Parts) ? null : now.Parts,
            Contributions: SameList(shown.Contributions, now.Contributions) ? null : now.Contributions);
    }

    /// <summary>The view a viewer shows after merging this delta onto <paramref name="shown"/>.</summary>
    public GoalView ApplyTo(GoalView shown) => shown with
    {
        Progress = Progress ?? shown.Progress,
        Percent = Percent ?? shown.Percent,
        Status = Status ?? shown.Status,
        ExpectedPercent = ExpectedPercent ?? shown.ExpectedPercent,
        UpdatedAt = UpdatedAt ?? shown.UpdatedAt,
        AppliedThrough = AppliedThrough ?? shown.AppliedThrough,
        EventCount = EventCount ?? shown.EventCount,
        Parts = Parts ?? shown.Parts,
        Contributions = Contributions ?? shown.Contributions,
    };

    // Every property of GoalView outside Carried (GoalDeltaTests checks that the two lists cover all of them).
    private static bool SameDefinition(GoalView a, GoalView b) =>
        a.Id == b.Id && a.Title == b.Title && a.Metric == b.Metric && a.Target == b.Target && SameList(a.Owners, b.Owners)
        && SameList(a.Scope.Campaigns, b.Scope.Campaigns) && SameList(a.Scope.Departments, b.Scope.Departments)
        && a.Start == b.Start && a.End == b.End && a.Kind == b.Kind && a.Baseline == b.Baseline && a.LatestCheckIn == b.LatestCheckIn
        && a.ConfidenceMismatch == b.ConfidenceMismatch && a.ParentId == b.ParentId && a.Weight == b.Weight && a.RollUp == b.RollUp
        && a.Unit == b.Unit && a.LowerIsBetter == b.LowerIsBetter && a.Reset == b.Reset && a.Archived == b.Archived;

    /// <summary>The properties <see cref="SameDefinition"/> compares, for the test that keeps it complete.</summary>
    public static readonly IReadOnlySet<string> ComparedWhole = new HashSet<string>(StringComparer.Ordinal)
    {
        nameof(GoalView.Id), nameof(GoalView.Title), nameof(GoalView.Metric), nameof(GoalView.Target), nameof(GoalView.Owners), nameof(GoalView.Scope),
        nameof(GoalView.Start), nameof(GoalView.End), nameof(GoalView.Kind), nameof(GoalView.Baseline), nameof(GoalView.LatestCheckIn),
        nameof(GoalView.ConfidenceMismatch), nameof(GoalView.ParentId), nameof(GoalView.Weight), nameof(GoalView.RollUp), nameof(GoalView.Unit),
        nameof(GoalView.LowerIsBetter), nameof(GoalView.Reset), nameof(GoalView.Archived),
    };

    private static bool SameList<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.SequenceEqual(b));

    private static bool SameParts(IReadOnlyDictionary<string, double>? a, IReadOnlyDictionary<string, double>? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.Count == b.Count
            && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value));
}
