namespace Orleans.Align.Tests.People;

/// <summary>
/// The authorization model, exhaustively: every kind of credential against every action, for no
/// department, its own department, another one, and its own and another together.
/// </summary>
public sealed class AccessTests
{
    private const string Own = "marketing", Other = "sales";

    /// <summary>The department sets each pattern character stands for, in order.</summary>
    private static readonly string[][] DepartmentSets = [[], [Own], [Other], [Own, Other]];

    /// <summary>
    /// Per credential, per action in <see cref="AlignAction"/>'s order: for each department set above,
    /// Y (allowed) or . (refused). Admins are not here: they may do everything (tested below).
    /// </summary>
    public static readonly TheoryData<string, string> Expected = new()
    {
        //                        Read Ingst ChkIn Annce Ackn  Goal  Activ Cadnc Catlg Setng Keys  Peopl Watch Links Audit Revw Plan  Integ
        { "key:",                ".... .... .... .... .... .... .... .... .... .... .... .... .... .... .... .... .... ...." },
        { "key:ingest",          ".... YYYY YYYY YYYY YYYY .... .... .... .... .... .... .... .... .... .... .... .... ...." },
        { "key:read",            "YYYY .... .... .... .... .... .... .... .... .... .... .... YYYY .... .... .... .... ...." },
        { "key:ingest,read",     "YYYY YYYY YYYY YYYY YYYY .... .... .... .... .... .... .... YYYY .... .... .... .... ...." },
        { "role:lead:marketing", "YYYY .... .Y.. .Y.. YY.. .Y.Y .Y.. .Y.. .... .... .... .... YYYY YY.. .... YYYY .Y.Y ...." },
        { "role:member:marketing", "YYYY .... .Y.. .Y.. YY.. .... .... .... .... .... .... .... YYYY .... .... .... .... ...." },
        { "role:viewer:",        "YYYY .... .... .... .... .... .... .... .... .... .... .... YYYY .... .... .... .... ...." },
        { "role:owner:",         ".... .... .... .... .... .... .... .... .... .... .... .... .... .... .... .... .... ...." }, // not a role: nothing
        // A wall-screen board link: watching (its one board, see below) and nothing else, not even Read.
        { "link:overview",       ".... .... .... .... .... .... .... .... .... .... .... .... YYYY .... .... .... .... ...." },
        { "link:campaign:launch", ".... .... .... .... .... .... .... .... .... .... .... .... YYYY .... .... .... .... ...." },
        { "link:department:marketing", ".... .... .... .... .... .... .... .... .... .... .... .... YYYY .... .... .... .... ...." },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Each_credential_may_do_exactly_what_its_row_says(string credential, string pattern)
    {
        var grant = GrantOf(credential);
        var rows = pattern.Split(' ');
        var actions = Enum.GetValues<AlignAction>();
        Assert.Equal(actions.Length, rows.Length); // every action has a column: the table is exhaustive
        for (var a = 0; a < actions.Length; a++)
        {
            for (var d = 0; d < DepartmentSets.Length; d++)
            {
                var expected = rows[a][d] == 'Y';
                Assert.True(expected == Access.Allows(grant, actions[a], DepartmentSets[d]),
                    $"{credential}: {actions[a]} for [{string.Join(",", DepartmentSets[d])}] should be {(expected ? "allowed" : "refused")}.");
            }
            // The coarse check an endpoint makes before reading the body: allowed for some department set.
            Assert.Equal(rows[a].Contains('Y'), Access.MayAllow(grant, actions[a]));
        }
    }

    [Theory]
    [InlineData("key:admin")]
    [InlineData("key:admin,read")]
    [InlineData("key:admin,ingest,read")]
    [InlineData("role:admin:")]
    public void An_admin_key_or_an_admin_person_may_do_everything_for_any_departments(string credential)
    {
        var grant = GrantOf(credential);
        foreach (var action in Enum.GetValues<AlignAction>())
        {
            foreach (var departments in DepartmentSets) Assert.True(Access.Allows(grant, action, departments), $"{credential}: {action}");
        }
    }

    [Fact]
    public void A_lead_defines_goals_one_of_its_departments_owns_joint_ones_too_but_none_without_one()
    {
        var lead = Grant.ForRole(PersonRoles.Lead, [Own, Other]);
        Assert.True(Access.Allows(lead, AlignAction.DefineGoal, [Own, Other]));
        // A joint goal: shared with a department the lead does not lead.
        Assert.True(Access.Allows(lead, AlignAction.DefineGoal, [Own, Other, "pr"]));
        Assert.False(Access.Allows(lead, AlignAction.DefineGoal, ["pr"]));
        Assert.False(Access.Allows(lead, AlignAction.DefineGoal, []));
        // Activities and cadences stay the departments' own: every one named must be led.
        Assert.False(Access.Allows(lead, AlignAction.EditActivity, [Own, "pr"]));
        Assert.False(Access.Allows(lead, AlignAction.SetCheckInCadence, [Own, "pr"]));
        Assert.True(Access.Allows(lead, AlignAction.CheckIn, [Other]));
    }

    [Fact]
    public void A_lead_plans_a_campaign_with_one_department_it_leads_among_others_and_none_without_one()
    {
        var lead = Grant.ForRole(PersonRoles.Lead, [Own]);
        Assert.True(Access.Allows(lead, AlignAction.PlanCampaign, [Own, Other, "pr"]));
        Assert.True(Access.Allows(lead, AlignAction.PlanCampaign, ["pr", Own]));
        Assert.False(Access.Allows(lead, AlignAction.PlanCampaign, [Other, "pr"]));
        Assert.False(Access.Allows(lead, AlignAction.PlanCampaign, []));
        // Departments themselves stay the admins' (the catalogue), and a member of the department plans nothing.
        Assert.False(Access.Allows(lead, AlignAction.ManageCatalogue, [Own]));
        Assert.False(Access.MayAllow(Grant.ForRole(PersonRoles.Member, [Own]), AlignAction.PlanCampaign));
        Assert.False(Access.MayAllow(Grant.ForRole(PersonRoles.Viewer, []), AlignAction.PlanCampaign));
        Assert.True(Access.MayAllow(lead, AlignAction.PlanCampaign));
    }

    [Fact]
    public void Key_scopes_keep_their_meaning_admin_implies_all_and_ingest_does_not_read()
    {
        Assert.True(Access.Allows(Grant.ForScopes([Scopes.Admin]), AlignAction.Read, []));
        Assert.True(Access.Allows(Grant.ForScopes([Scopes.Admin]), AlignAction.IngestEvents, []));
        Assert.False(Access.Allows(Grant.ForScopes([Scopes.Ingest]), AlignAction.Read, []));
        Assert.False(Access.Allows(Grant.ForScopes([Scopes.Read]), AlignAction.IngestEvents, []));
    }

    [Theory]
    [InlineData("overview", "overview", true)]
    [InlineData("overview", "campaign:launch", false)]
    [InlineData("overview", "department:marketing", false)]
    [InlineData("campaign:launch", "campaign:launch", true)]
    [InlineData("campaign:launch", "campaign:launch2", false)]
    [InlineData("campaign:launch", "campaign:Launch", false)]
    [InlineData("campaign:launch", "overview", false)]
    [InlineData("department:marketing", "department:marketing", true)]
    [InlineData("department:marketing", "department:sales", false)]
    public void A_board_link_watches_its_own_board_only(string linkBoard, string board, bool allowed)
    {
        Assert.Equal(allowed, Access.AllowsBoard(Grant.ForBoardLink(linkBoard), board));
    }

    [Fact]
    public void Whoever_reads_the_organization_watches_every_board_and_ingest_watches_none()
    {
        foreach (var board in new[] { "overview", "campaign:launch", "department:sales" })
        {
            Assert.True(Access.AllowsBoard(Grant.ForScopes([Scopes.Read]), board));
            Assert.True(Access.AllowsBoard(Grant.ForScopes([Scopes.Admin]), board));
            Assert.True(Access.AllowsBoard(Grant.ForRole(PersonRoles.Viewer, []), board));
            Assert.True(Access.AllowsBoard(Grant.ForRole(PersonRoles.Lead, [Own]), board));
            Assert.False(Access.AllowsBoard(Grant.ForScopes([Scopes.Ingest]), board));
        }
    }

    [Fact]
    public void Leads_link_the_overview_war_rooms_and_their_own_departments_boards()
    {
        var lead = Grant.ForRole(PersonRoles.Lead, [Own]);
        Assert.True(Access.Allows(lead, AlignAction.ManageBoardLinks, BoardLinkScope.DepartmentsOf("overview")));
        Assert.True(Access.Allows(lead, AlignAction.ManageBoardLinks, BoardLinkScope.DepartmentsOf("campaign:launch")));
        Assert.True(Access.Allows(lead, AlignAction.ManageBoardLinks, BoardLinkScope.DepartmentsOf("department:" + Own)));
        Assert.False(Access.Allows(lead, AlignAction.ManageBoardLinks, BoardLinkScope.DepartmentsOf("department:" + Other)));
        Assert.False(Access.Allows(Grant.ForRole(PersonRoles.Member, [Own]), AlignAction.ManageBoardLinks, BoardLinkScope.DepartmentsOf("overview")));
    }

    /// <summary><c>key:scope,scope</c>, <c>role:role:department,department</c> or <c>link:board</c>.</summary>
    private static Grant GrantOf(string credential)
    {
        if (credential.StartsWith("link:", StringComparison.Ordinal)) return Grant.ForBoardLink(credential["link:".Length..]);
        var parts = credential.Split(':');
        static string[] List(string text) => text.Length == 0 ? [] : text.Split(',');
        return parts[0] == "key" ? Grant.ForScopes(List(parts[1])) : Grant.ForRole(parts[1], List(parts[2]));
    }
}
