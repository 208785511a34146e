using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Alignment.LiveGoals;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Alignment;

/// <summary>Reviews freeze a period to compare against; settings decide how numbers become statuses.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReviewAndSettingsTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Review_freezes_every_goal_and_later_progress_does_not_change_it()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 100));
        await org.Grain.CreateGoalAsync(LiveGoal("visits", "visits", target: 1_000));
        var first = await org.IngestAsync(Recent("leads-1", "leads", 40), Recent("visits-1", "visits", 100));
        await org.AppliedThroughAsync("leads", first.LastSequence - 1);
        await org.AppliedThroughAsync("visits", first.LastSequence);

        var frozen = await org.Grain.AddReviewAsync("q2", "Q2 review");
        var later = await org.IngestAsync(Recent("leads-2", "leads", 50));
        await org.AppliedThroughAsync("leads", later.LastSequence);

        var review = await org.Review("q2").GetAsync();
        Assert.NotNull(review);
        Assert.Equal(("q2", "Q2 review", frozen.FrozenAt), (review.Id, review.Name, review.FrozenAt));
        Assert.Equal([("leads", 40.0), ("visits", 100.0)], review.Goals.Select(g => (g.Id, g.Progress!.Value)).Order());
        Assert.Equal(["q2"], await org.Grain.ListReviewsAsync());
        Assert.Equal(90, (await org.Goal("leads").GetAsync())!.Progress);
    }

    [Fact]
    public async Task Review_with_an_id_that_exists_is_a_conflict()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 100));
        var original = await org.Grain.AddReviewAsync("q2", "Q2 review");

        var refused = await Assert.ThrowsAsync<AlignException>(() => org.Grain.AddReviewAsync("q2", "Q2 again"));

        Assert.Equal(AlignErrorKind.Conflict, refused.Kind);
        Assert.Equal(["q2"], await org.Grain.ListReviewsAsync());
        Assert.Equal(("Q2 review", original.FrozenAt), ((await org.Review("q2").GetAsync())!.Name, original.FrozenAt));
    }

    [Fact]
    public async Task Goal_status_follows_the_organizations_thresholds_when_they_change()
    {
        var org = await cluster.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(LiveGoal("leads", "leads", target: 100));
        var result = await org.IngestAsync(Recent("e1", "leads", 40));
        // 40% done with half the period gone: 0.8 of the pace.
        var defaults = await org.AppliedThroughAsync("leads", result.LastSequence);

        await org.Grain.UpdateSettingsAsync(AlignmentSettings.Default with { OnTrackRatio = 0.75, AtRiskRatio = 0.5 });
        var lenient = await org.Goal("leads").GetAsync();
        await org.Grain.UpdateSettingsAsync(AlignmentSettings.Default with { OnTrackRatio = 0.95, AtRiskRatio = 0.85 });
        var strict = await org.Goal("leads").GetAsync();

        Assert.Equal(GoalStatus.AtRisk, defaults.Status);
        Assert.Equal(GoalStatus.OnTrack, lenient!.Status);
        Assert.Equal(GoalStatus.OffTrack, strict!.Status);
        Assert.Equal(0.85, (await org.Grain.GetSettingsAsync()).AtRiskRatio);
    }
}
