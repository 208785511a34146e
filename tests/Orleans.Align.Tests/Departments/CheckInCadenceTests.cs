using Orleans.Align.Tests.Alerts;
using Orleans.Align.Tests.Cluster;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Departments;

/// <summary>
/// A department's check-in cadence: each goal it owns is due a check-in one period after its last
/// one; an overdue check-in raises one reminder on the feed, addressed to the department, driven by
/// the department's durable reminder (the goal may be deactivated, no event needs to arrive); a
/// check-in resolves it.
/// </summary>
[Collection(AlertClockCollection.Name)]
public sealed class CheckInCadenceTests(AlertClockFixture fixture)
{
    private const string GoalId = "pipeline";
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    /// <summary>A running goal owned by marketing, and marketing checking in weekly from now.</summary>
    private async Task<TestOrganization> WeeklyAsync()
    {
        var org = await fixture.NewOrganizationAsync();
        await org.Grain.CreateGoalAsync(new GoalDefinition(GoalId, "Pipeline", "leads", 1_000, [Marketing], GoalScope.All, Now.AddDays(-1), Now.AddDays(90)));
        await org.Department(Marketing).SetCheckInCadenceAsync(7);
        return org;
    }

    private static async Task<IReadOnlyList<FeedEntry>> RemindersAsync(TestOrganization org) =>
        (await org.Feed.ListAsync(new FeedQuery(Kind: FeedKind.Alert, Department: Marketing))).Where(e => e.Reason == AlertReasons.CheckInOverdue).ToList();

    private async Task<GoalCard> CardAsync(TestOrganization org) =>
        Assert.Single((await org.Department(Marketing).GetScorecardAsync())!.Goals, g => g.GoalId == GoalId);

    [Fact]
    public async Task A_goal_is_due_a_check_in_one_period_after_the_cadence_was_set_and_not_overdue_before()
    {
        var setAt = Now;
        var org = await WeeklyAsync();

        var card = await CardAsync(org);
        Assert.Equal(setAt + Week, card.CheckInDue);
        Assert.False(card.CheckInOverdue);
        fixture.Clock.Advance(Week - TimeSpan.FromMinutes(1));
        await fixture.TickAsync(org.Department(Marketing));
        Assert.Empty(await RemindersAsync(org));
    }

    [Fact]
    public async Task An_overdue_check_in_raises_one_reminder_by_the_reminder_alone_with_the_goal_deactivated()
    {
        var org = await WeeklyAsync();
        await fixture.DeactivateAsync(org.Goal(GoalId));
        await fixture.DeactivateAsync(org.Department(Marketing));

        fixture.Clock.Advance(Week);
        await fixture.TickAsync(org.Department(Marketing));
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await fixture.TickAsync(org.Department(Marketing));

        var reminder = Assert.Single(await RemindersAsync(org));
        Assert.Equal([Marketing], reminder.To);
        Assert.Equal(GoalId, reminder.GoalId);
        Assert.Equal(AlertState.Open, reminder.State);
        Assert.True((await CardAsync(org)).CheckInOverdue);
        // Only marketing owns the goal: nobody else is reminded.
        Assert.DoesNotContain(await org.Feed.ListAsync(new FeedQuery(Kind: FeedKind.Alert, Department: Sales)), e => e.Reason == AlertReasons.CheckInOverdue);
    }

    [Fact]
    public async Task A_check_in_resolves_the_reminder_and_makes_the_next_one_due_a_period_later()
    {
        var org = await WeeklyAsync();
        fixture.Clock.Advance(Week + TimeSpan.FromDays(1));
        await fixture.TickAsync(org.Department(Marketing));
        Assert.Single(await RemindersAsync(org));

        var at = Now;
        await org.Goal(GoalId).CheckInAsync(new CheckIn(Marketing, 6, "on it", at));

        await Eventually.Holds(async () => Assert.Equal(AlertState.Resolved, Assert.Single(await RemindersAsync(org)).State));
        var card = await CardAsync(org);
        Assert.False(card.CheckInOverdue);
        Assert.Equal(at + Week, card.CheckInDue);
    }

    [Fact]
    public async Task Another_departments_check_in_does_not_clear_the_reminder()
    {
        var org = await WeeklyAsync();
        fixture.Clock.Advance(Week);
        await fixture.TickAsync(org.Department(Marketing));

        await org.Goal(GoalId).CheckInAsync(new CheckIn(Sales, 6, "sales view", Now));

        Assert.Equal(AlertState.Open, Assert.Single(await RemindersAsync(org)).State);
    }

    [Fact]
    public async Task Without_a_cadence_nothing_is_due()
    {
        var org = await WeeklyAsync();
        await org.Department(Marketing).SetCheckInCadenceAsync(null);
        fixture.Clock.Advance(Week * 2);
        await fixture.TickAsync(org.Department(Marketing));

        Assert.Null((await CardAsync(org)).CheckInDue);
        Assert.Empty(await RemindersAsync(org));
    }
}
