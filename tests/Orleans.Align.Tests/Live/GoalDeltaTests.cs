using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Orleans.Align.Tests.Live;

/// <summary>
/// <see cref="GoalDelta"/>: what a push says about a goal that only moved, and what the hub's two protocols
/// make of the message (<see cref="BoardUpdateMessage"/>).
/// </summary>
public sealed class GoalDeltaTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 9, 30, 0, TimeSpan.Zero);

    /// <summary>A war-room goal as a board shows it mid-launch: two owners, a campaign scope, contributions and a check-in.</summary>
    internal static GoalView Realistic(double progress = 1_234, long through = 81_233) => new(
        "launch-qualified-leads", "Qualified leads from the launch", "qualified_leads", progress, 5_000, ["marketing", "sales"],
        GoalScope.Of(campaign: "spring-launch"), At.AddDays(-10), At.AddDays(20), At, through, (long)progress,
        Percent: progress / 50, Kind: GoalKind.IncreaseTo, Baseline: 0, Status: GoalStatus.OnTrack, ExpectedPercent: 33.3,
        LatestCheckIn: new CheckIn("sales", 7, "Pipeline is filling up faster than planned", At.AddHours(-3)),
        ParentId: "company-pipeline", Weight: 2, RollUp: RollUp.OwnMetric, Unit: "count",
        Contributions: [new Contribution("marketing", progress * 0.75, (long)(progress * 0.75)), new Contribution("sales", progress * 0.25, (long)(progress * 0.25))]);

    /// <summary>The same goal a moment (and a few events) later.</summary>
    private static GoalView Moved(GoalView shown) => shown with
    {
        Progress = shown.Progress + 7,
        Percent = (shown.Progress + 7) / 50,
        ExpectedPercent = 33.4,
        UpdatedAt = shown.UpdatedAt.AddMilliseconds(100),
        AppliedThrough = shown.AppliedThrough + 7,
        EventCount = shown.EventCount + 7,
        Contributions = [new Contribution("marketing", shown.Contributions![0].Value + 7, shown.Contributions[0].Events + 7), shown.Contributions[1]],
    };

    [Fact]
    public void Every_field_of_a_goal_view_travels_in_a_delta_or_makes_the_push_carry_the_whole_view()
    {
        // A field added to GoalView and to neither list would never reach a screen that merges deltas.
        var fields = typeof(GoalView).GetProperties().Where(p => p.Name != "EqualityContract").Select(p => p.Name).ToHashSet();

        Assert.Equal(fields.Order(), GoalDelta.Carried.Union(GoalDelta.ComparedWhole).Order());
    }

    [Fact]
    public void A_goal_that_only_moved_goes_as_the_fields_that_changed_and_merges_back_into_the_view()
    {
        var shown = Realistic();
        var now = Moved(shown);

        var delta = Assert.IsType<GoalDelta>(GoalDelta.Between(shown, now));

        Assert.Equal((1_241d, 81_240L, 1_241L), (delta.Progress, delta.AppliedThrough, delta.EventCount));
        Assert.Null(delta.Status); // unchanged
        Assert.Equal(now, delta.ApplyTo(shown) with { Owners = now.Owners, Contributions = now.Contributions });
        Assert.Equal(now.Contributions, delta.ApplyTo(shown).Contributions);
    }

    [Fact]
    public void A_view_sent_again_unchanged_says_nothing()
    {
        var shown = Realistic();

        Assert.True(GoalDelta.Between(shown, shown with { Owners = ["marketing", "sales"] })!.SaysNothing());
    }

    [Theory]
    [InlineData("title")]
    [InlineData("owners")]
    [InlineData("check-in")]
    [InlineData("progress gone")]
    public void A_goal_redefined_or_with_a_value_gone_back_to_null_goes_whole(string change)
    {
        var shown = Realistic();
        var now = change switch
        {
            "title" => shown with { Title = "Qualified leads (launch)" },
            "owners" => shown with { Owners = ["marketing"] },
            "check-in" => shown with { LatestCheckIn = new CheckIn("marketing", 4, "Slower than planned", At) },
            _ => shown with { Progress = null, Percent = null },
        };

        Assert.Null(GoalDelta.Between(shown, now));
    }

    private static IHubProtocol Json()
    {
        // As the gateway sets it up (GatewayHosting): enums as camelCase strings.
        var options = new JsonHubProtocolOptions();
        options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        return new JsonHubProtocol(Options.Create(options));
    }

    private static IHubProtocol MessagePackProtocol() => new MessagePackHubProtocol();

    private static int Bytes(IHubProtocol protocol, BoardUpdateMessage message) =>
        protocol.GetMessageBytes(new InvocationMessage("boardUpdate", [message])).Length;

    /// <summary>A push of ten moving goals on a war room, as whole views (before) and as deltas (now).</summary>
    private static (BoardUpdateMessage Whole, BoardUpdateMessage Delta) TenGoalsMoved()
    {
        var shown = Enumerable.Range(0, 10).Select(i => Realistic(1_000 + i * 10) with { Id = $"launch-goal-{i}" }).ToList();
        var now = shown.Select(Moved).ToList();
        var before = new BoardUpdateMessage("campaign:spring-launch", 1_765_000_000_101, 1_765_000_000_100, now, [], [], null, null, null, false);
        var after = before with { Goals = [], Changes = [.. shown.Zip(now, (s, n) => GoalDelta.Between(s, n)!)] };
        return (before, after);
    }

    [Fact]
    public void A_push_of_deltas_is_a_fraction_of_the_push_of_whole_views_in_both_hub_protocols()
    {
        var (whole, delta) = TenGoalsMoved();
        var json = (Whole: Bytes(Json(), whole), Delta: Bytes(Json(), delta));
        var msgpack = (Whole: Bytes(MessagePackProtocol(), whole), Delta: Bytes(MessagePackProtocol(), delta));

        output.WriteLine($"ten goals moved, bytes per push: JSON {json.Whole} whole, {json.Delta} as deltas; MessagePack {msgpack.Whole} whole, {msgpack.Delta} as deltas");
        output.WriteLine($"one goal: JSON {Bytes(Json(), whole with { Goals = [whole.Goals[0]] })} whole, {Bytes(Json(), delta with { Changes = [delta.Changes[0]] })} delta; " +
            $"MessagePack {Bytes(MessagePackProtocol(), whole with { Goals = [whole.Goals[0]] })} whole, {Bytes(MessagePackProtocol(), delta with { Changes = [delta.Changes[0]] })} delta");
        Assert.True(json.Delta * 2 < json.Whole, $"JSON: {json.Delta} bytes as deltas, {json.Whole} whole");
        Assert.True(msgpack.Delta * 2 < msgpack.Whole, $"MessagePack: {msgpack.Delta} bytes as deltas, {msgpack.Whole} whole");
        Assert.True(msgpack.Delta < json.Delta, $"MessagePack {msgpack.Delta} bytes, JSON {json.Delta}");
    }

    [Fact]
    public void In_JSON_a_delta_leaves_out_what_did_not_change()
    {
        var (_, delta) = TenGoalsMoved();
        var text = System.Text.Encoding.UTF8.GetString(Json().GetMessageBytes(new InvocationMessage("boardUpdate", [delta with { Changes = [delta.Changes[0]] }])).Span).TrimEnd('\u001e');
        output.WriteLine(text);

        var change = JsonDocument.Parse(text).RootElement.GetProperty("arguments")[0].GetProperty("changes")[0];
        Assert.Equal(["appliedThrough", "contributions", "eventCount", "expectedPercent", "id", "percent", "progress", "updatedAt"],
            change.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public void A_board_update_and_a_snapshot_come_back_whole_through_MessagePack()
    {
        var (_, delta) = TenGoalsMoved();
        var update = delta with
        {
            Goals = [Realistic()],
            Changes = [delta.Changes[0] with { Status = GoalStatus.AtRisk }],
            Feed = [new FeedEntry(42, FeedKind.Announcement, At, "Go live at noon", Department: "marketing", Campaigns: ["spring-launch"])],
            RemovedGoals = ["old-goal"],
        };
        var protocol = MessagePackProtocol();
        var bytes = new ReadOnlySequence<byte>(protocol.GetMessageBytes(new InvocationMessage("boardUpdate", [update])));
        // The frame is a varint length, then [1 (invocation), headers, invocation id, target, [arguments], stream ids].
        var prefix = 1;
        while ((bytes.Slice(prefix - 1, 1).FirstSpan[0] & 0x80) != 0) prefix++;
        output.WriteLine(MessagePackSerializer.ConvertToJson(bytes.Slice(prefix)));

        Assert.True(protocol.TryParseMessage(ref bytes, new Binder(typeof(BoardUpdateMessage)), out var parsed));
        var back = Assert.IsType<BoardUpdateMessage>(Assert.IsType<InvocationMessage>(parsed).Arguments[0]);
        Assert.Equal((update.BoardId, update.Version, update.BaseVersion, update.Whole), (back.BoardId, back.Version, back.BaseVersion, back.Whole));
        Assert.Equal(GoalStatus.AtRisk, back.Changes[0].Status);
        Assert.Equal(update.Changes[0].UpdatedAt, back.Changes[0].UpdatedAt);
        Assert.Equal(update.Changes[0].Contributions, back.Changes[0].Contributions);
        Assert.Null(back.Changes[0].Parts);
        var goal = Assert.Single(back.Goals);
        Assert.Equal((Realistic().Title, Realistic().LatestCheckIn, Realistic().Start, Realistic().Status), (goal.Title, goal.LatestCheckIn, goal.Start, goal.Status));
        Assert.Equal(Realistic().Scope.Campaigns, goal.Scope.Campaigns);
        Assert.Equal(update.Feed[0] with { Campaigns = null }, back.Feed[0] with { Campaigns = null });
        Assert.Equal(["old-goal"], back.RemovedGoals);
    }

    private sealed class Binder(Type argument) : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [argument];
        public Type GetReturnType(string invocationId) => typeof(object);
        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
