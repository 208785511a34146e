using Orleans.Align.Grains.Goals;
using Orleans.Align.Grains.Log;
using static Orleans.Align.Tests.Cluster.TestOrganization;

namespace Orleans.Align.Tests.Goals;

/// <summary>
/// The pure rules of changing a goal: which changes are a new counting rule (recomputed, routed by a
/// new cursor), which fields a change names, how a change is marked in the goal's history.
/// </summary>
public sealed class GoalChangeTests
{
    private static readonly GoalDefinition Leads = Definition("leads", "leads", GoalScope.Of(campaign: "launch"));

    [Fact]
    public void Title_target_kind_baseline_owners_parent_and_weight_count_the_same_events()
    {
        GoalDefinition[] rejudged =
        [
            Leads with { Title = "Renamed" },
            Leads with { Target = 500 },
            Leads with { Kind = GoalKind.StayAbove, Baseline = 3 },
            Leads with { Owners = ["sales", "pr"] },
            Leads with { ParentId = "okr", Weight = 2 },
        ];
        Assert.All(rejudged, d => Assert.True(Leads.CountsLike(d)));
    }

    [Fact]
    public void Metric_scope_period_reset_and_roll_up_are_a_new_counting_rule()
    {
        GoalDefinition[] recomputed =
        [
            Leads with { Metric = "visits" },
            Leads with { Scope = GoalScope.Of(campaign: "spring") },
            Leads with { Scope = GoalScope.All },
            Leads with { Start = Leads.Start.AddHours(-1) },
            Leads with { End = Leads.End.AddDays(1) },
            Leads with { Reset = ResetCadence.Weekly },
            Leads with { RollUp = RollUp.Children },
        ];
        Assert.All(recomputed, d => Assert.False(Leads.CountsLike(d)));
        // The same scope in another order is the same rule.
        var two = Leads with { Scope = new GoalScope(["a", "b"], ["x", "y"]) };
        Assert.True(two.CountsLike(Leads with { Scope = new GoalScope(["b", "a"], ["y", "x"]) }));
    }

    [Fact]
    public void A_change_names_the_fields_it_moved_and_sameness_ignores_revision_and_author()
    {
        var after = Leads with { Title = "New", Target = 200, Owners = ["sales"], End = Leads.End.AddDays(2) };

        Assert.Equal(["title", "target", "owners", "end"], Leads.ChangedFields(after));
        Assert.Empty(Leads.ChangedFields(Leads with { Revision = 3 }));
        var stamped = Leads with { Revision = 4, CountingRevision = 2, ChangedBy = new AuditActor("person", "a@b.c", "a@b.c"), ChangedAt = DateTimeOffset.UnixEpoch };
        Assert.True(Leads.SameAs(stamped));
        Assert.False(Leads.SameAs(after));
    }

    [Fact]
    public void A_goal_cursor_of_a_new_counting_revision_has_its_own_key_and_tags_its_ranges()
    {
        var first = ViewTarget.Of(Leads);
        var second = ViewTarget.Of(Leads with { Scope = GoalScope.All, Revision = 2, CountingRevision = 2 });
        var retitled = ViewTarget.Of(Leads with { Title = "Renamed", Revision = 3, CountingRevision = 2 });

        Assert.Equal("Goal/leads", first.Key); // unchanged goals keep the key they had before revisions existed
        Assert.Equal("Goal/leads#2", second.Key);
        Assert.Equal(second.Key, retitled.Key); // a change that counts the same keeps its cursor
        Assert.Equal("leads", second.Id);

        var cursor = new ViewCursor(second, position: 10, maxPending: 100);
        Assert.Equal(2, cursor.Take(10).Range.Revision);
        Assert.Equal(0, new ViewCursor(first, 10, 100).Take(10).Range.Revision);
    }

    [Fact]
    public void The_history_marks_the_bucket_in_which_the_definition_changed()
    {
        var nine = new DateTimeOffset(2025, 4, 22, 9, 0, 0, TimeSpan.Zero);
        HistoryPoint[] minutes = [new(nine, 1, 1), new(nine.AddMinutes(1), 2, 2), new(nine.AddMinutes(5), 3, 3)];
        GoalChange Change(int revision, DateTimeOffset at) => new(revision, at, new AuditActor("key", "k", "k"), ["target"], false, Leads, Leads);

        var marked = GoalHistory.Marked(minutes, [Change(1, nine.AddMinutes(1).AddSeconds(30)), Change(2, nine.AddMinutes(3))], daily: false);

        Assert.Equal([null, 1, 2], marked.Select(p => p.DefinitionChanged)); // a bucket with no point: the next one
        Assert.Equal(minutes.Select(p => p.Value), marked.Select(p => p.Value));
        Assert.All(GoalHistory.Marked(minutes, [Change(1, nine.AddMinutes(9))], daily: false), p => Assert.Null(p.DefinitionChanged));
        Assert.Equal(1, GoalHistory.Marked([new(new DateTimeOffset(2025, 4, 22, 0, 0, 0, TimeSpan.Zero), 1, 1)], [Change(1, nine.AddHours(3))], daily: true).Single().DefinitionChanged);
    }

    [Fact]
    public void An_archived_goal_is_not_routed_and_archiving_is_a_change_that_counts_the_same_events()
    {
        var archived = Leads with { Id = "old", Archived = true, Revision = 1 };
        var routing = new OrganizationRouting([], [], [Leads, archived]);

        Assert.Equal(["Goal/leads"], ViewTarget.All(routing).Select(t => t.Key));
        Assert.Equal(["archived"], Leads.ChangedFields(Leads with { Archived = true }));
        Assert.True(Leads.CountsLike(Leads with { Archived = true }));
        Assert.False(Leads.SameAs(Leads with { Archived = true }));
    }
}
