namespace Orleans.Align.Tests.Contracts;

/// <summary>Board ids: <c>overview</c> or <c>campaign:{id}</c>.</summary>
public sealed class BoardIdsTests
{
    [Fact]
    public void Overview_parses_without_a_campaign()
    {
        Assert.True(BoardIds.TryParse("overview", out var campaign));
        Assert.Null(campaign);
    }

    [Fact]
    public void Campaign_board_parses_to_its_campaign()
    {
        Assert.True(BoardIds.TryParse("campaign:spring-sale", out var campaign));
        Assert.Equal("spring-sale", campaign);
    }

    [Fact]
    public void ForCampaign_builds_an_id_that_parses_back() =>
        Assert.True(BoardIds.TryParse(BoardIds.ForCampaign("launch"), out var campaign) && campaign == "launch");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Overview")]
    [InlineData("overview ")]
    [InlineData("campaign:")]
    [InlineData("campaign:Launch")]
    [InlineData("campaign:launch/other")]
    [InlineData("campaign:launch q3")]
    [InlineData("Campaign:launch")]
    [InlineData("launch")]
    [InlineData("department:sales")]
    public void Anything_else_does_not_parse(string? boardId)
    {
        Assert.False(BoardIds.TryParse(boardId, out var campaign));
        Assert.Null(campaign);
    }

    [Fact]
    public void Campaign_goal_appears_on_the_overview_and_its_war_room() =>
        Assert.Equal(["overview", "campaign:launch"], BoardIds.For(Goal(GoalScope.Of(campaign: "launch"))));

    [Fact]
    public void Goal_without_a_campaign_appears_on_the_overview_only()
    {
        Assert.Equal(["overview"], BoardIds.For(Goal(GoalScope.All)));
        Assert.Equal(["overview"], BoardIds.For(Goal(GoalScope.Of(department: "sales"))));
    }

    [Fact]
    public void Goal_appears_on_the_scorecard_boards_of_its_owning_departments() =>
        Assert.Equal(["overview", "department:pr", "department:sales"], BoardIds.For(Goal(GoalScope.All) with { Owners = ["pr", "sales"] }));

    [Fact]
    public void Department_board_ids_name_a_department_and_are_not_war_rooms()
    {
        Assert.True(BoardIds.TryParseDepartment(BoardIds.ForDepartment("sales"), out var department) && department == "sales");
        Assert.True(BoardIds.IsValid("department:sales"));
        Assert.False(BoardIds.TryParse("department:sales", out _));
        Assert.False(BoardIds.IsValid("department:Sales"));
        Assert.False(BoardIds.IsValid("department:"));
    }

    [Fact]
    public void Feed_entry_appears_on_the_boards_of_its_campaigns_and_of_the_departments_it_is_from_or_addressed_to()
    {
        var entry = new FeedEntry(1, FeedKind.Alert, DateTimeOffset.UnixEpoch, "Coverage is landing", Department: "pr", To: ["sales", "pr"], Campaigns: ["launch"]);
        Assert.Equal(["overview", "campaign:launch", "department:pr", "department:sales"], BoardIds.For(entry));
        Assert.Equal(["overview"], BoardIds.For(new FeedEntry(2, FeedKind.Announcement, DateTimeOffset.UnixEpoch, "To everyone")));
    }

    private static GoalDefinition Goal(GoalScope scope) =>
        new("g", "Goal", "leads", 1, [], scope, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1));
}
