using System.Buffers;
using System.Diagnostics;
using System.Text;
using MessagePack;
using Microsoft.AspNetCore.SignalR.Protocol;
using Orleans.Align.LiveBench.Measure;
using Orleans.Align.LiveBench.Protocol;

namespace Orleans.Align.Tests.Bench;

/// <summary>The live benchmark's hand-written parts: SignalR framing, reading pushes, percentiles, probe bookkeeping.</summary>
public sealed class LiveBenchHelpersTests
{
    private sealed record Seen(int Type, int Length, string Body);

    private static List<Seen> Split(HubProtocolKind protocol, byte[] stream, int chunk, bool keepAll = false)
    {
        var seen = new List<Seen>();
        var splitter = new HubMessageSplitter(protocol) { KeepAll = keepAll };
        for (var i = 0; i < stream.Length; i += chunk)
        {
            splitter.Feed(stream.AsSpan(i, Math.Min(chunk, stream.Length - i)),
                (type, length, body) => seen.Add(new Seen(type, length, Convert.ToHexString(body))));
        }
        return seen;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Json_messages_split_at_record_separators_whatever_the_reads_and_only_completions_keep_their_bytes(int chunk)
    {
        var stream = Encoding.UTF8.GetBytes(
            "{}\u001e{\"type\":3,\"invocationId\":\"1\",\"result\":{}}\u001e{\"type\":1,\"target\":\"boardUpdate\",\"arguments\":[{}]}\u001e{\"type\":6}\u001e");

        var seen = Split(HubProtocolKind.Json, stream, chunk);

        Assert.Equal([HubMessageType.Handshake, HubMessageType.Completion, HubMessageType.Invocation, HubMessageType.Ping], seen.Select(s => s.Type));
        Assert.Equal([2, 41, 50, 10], seen.Select(s => s.Length));
        Assert.NotEmpty(seen[1].Body);
        Assert.Empty(seen[2].Body);
        Assert.Empty(seen[3].Body);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public void MessagePack_messages_split_by_their_varint_length_prefix_after_the_json_handshake(int chunk)
    {
        var large = Invocation(new string('x', 300)); // a length prefix of two bytes
        var stream = Encoding.UTF8.GetBytes("{}\u001e").Concat(large).Concat(HubMessages.Ping(HubProtocolKind.MessagePack)).ToArray();

        var seen = Split(HubProtocolKind.MessagePack, stream, chunk, keepAll: true);

        Assert.Equal([HubMessageType.Handshake, HubMessageType.Invocation, HubMessageType.Ping], seen.Select(s => s.Type));
        Assert.True(large[0] >= 0x80, "the test message needs a two-byte prefix");
        Assert.Equal(large.Length - 2, seen[1].Length);
        Assert.Equal(Convert.ToHexString(large.AsSpan(2)), seen[1].Body);
    }

    [Fact]
    public void A_probe_reads_a_goal_value_from_whole_views_and_from_deltas_keyed_by_goal_in_either_protocol()
    {
        var whole = "{\"type\":1,\"target\":\"boardUpdate\",\"arguments\":[{\"version\":4,\"goals\":[{\"id\":\"other\",\"progress\":99},{\"id\":\"live-0\",\"progress\":12.5}]}]}"u8;
        var delta = "{\"type\":1,\"target\":\"boardUpdate\",\"arguments\":[{\"goals\":{\"live-0\":{\"value\":13}}}]}"u8;

        Assert.Equal(12.5, PushReading.GoalValue(PushReading.FromJson(whole), "live-0"));
        Assert.Equal(13, PushReading.GoalValue(PushReading.FromJson(delta), "live-0"));
        Assert.Null(PushReading.GoalValue(PushReading.FromJson(delta), "live-1"));

        // MessagePack's contractless names are PascalCase: the search ignores case.
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(1);
        writer.WriteMapHeader(2);
        writer.Write("Id");
        writer.Write("live-0");
        writer.Write("Progress");
        writer.Write(7);
        writer.Flush();
        Assert.Equal(7, PushReading.GoalValue(PushReading.FromMessagePack(buffer.WrittenMemory), "live-0"));
    }

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public void A_probe_reads_the_goal_from_a_push_as_signalRs_own_protocols_write_it(HubProtocolKind protocol)
    {
        // The gateway's push today: an anonymous object holding whole goal views.
        var now = DateTimeOffset.UtcNow;
        var view = new GoalView("live-0", "Live leads", "leads", 42, 1e12, ["live"], GoalScope.All, now, now.AddDays(1), now, 7, 42, Percent: 0);
        var push = new InvocationMessage("boardUpdate", [new { boardId = "overview", version = 3L, goals = new[] { view } }]);
        IHubProtocol hubProtocol = protocol == HubProtocolKind.Json ? new JsonHubProtocol() : new MessagePackHubProtocol();
        var wire = Encoding.UTF8.GetBytes("{}\u001e").Concat(hubProtocol.GetMessageBytes(push).ToArray()).ToArray();

        var seen = Split(protocol, wire, chunk: 64, keepAll: true);

        Assert.Equal(HubMessageType.Invocation, seen[1].Type);
        var body = Convert.FromHexString(seen[1].Body);
        var message = protocol == HubProtocolKind.Json ? PushReading.FromJson(body) : PushReading.FromMessagePack(body);
        Assert.Equal(42, PushReading.GoalValue(message, "live-0"));
    }

    [Fact]
    public void The_bare_hubs_send_stamp_is_found_in_the_invocation_arguments()
    {
        var message = "{\"type\":1,\"target\":\"boardUpdate\",\"arguments\":[{\"sentAt\":1733561234567890,\"pad\":\"xx\"}]}"u8;

        Assert.Equal(1733561234567890d, PushReading.NumberField(PushReading.FromJson(message), "sentAt"));
    }

    [Fact]
    public void Completion_and_close_errors_are_read_in_both_protocols()
    {
        Assert.Equal("no such board", HubMessages.ErrorOf(HubMessageType.Completion, "{\"type\":3,\"invocationId\":\"1\",\"error\":\"no such board\"}"u8, HubProtocolKind.Json));
        Assert.Null(HubMessages.ErrorOf(HubMessageType.Handshake, "{}"u8, HubProtocolKind.MessagePack));

        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(5);
        writer.Write(HubMessageType.Completion);
        writer.WriteMapHeader(0);
        writer.Write("1");
        writer.Write(1); // error result
        writer.Write("revoked");
        writer.Flush();
        Assert.Equal("revoked", HubMessages.ErrorOf(HubMessageType.Completion, buffer.WrittenSpan, HubProtocolKind.MessagePack));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var d = Distribution.Of(Enumerable.Range(1, 100).Select(i => (double)i).Reverse());

        Assert.Equal((100, 50d, 90d, 99d, 100d), (d.Count, d.P50, d.P90, d.P99, d.Max));
        Assert.Equal(7, Distribution.Of([7]).P99);
        Assert.True(double.IsNaN(Distribution.Of([]).P50));
    }

    [Fact]
    public void A_probe_sample_is_taken_once_per_batch_its_value_covers_and_a_failed_batch_lowers_what_later_ones_expect()
    {
        var track = new ProbeTrack("org", "live-0");
        track.Start(100);
        var start = Stopwatch.GetTimestamp();
        var first = track.Sent(10, measured: true, start);   // expects 110
        var failed = track.Sent(10, measured: true, start);  // expects 120, then refused
        var third = track.Sent(10, measured: false, start);  // expects 130, then 120; outside the window
        var fourth = track.Sent(10, measured: true, start);  // expects 140, then 130
        track.Failed(failed);

        var cursor = 0;
        var samples = new List<double>();
        track.Read(ref cursor, 100, Stopwatch.GetTimestamp(), samples);
        Assert.Empty(samples);
        track.Read(ref cursor, 120, Stopwatch.GetTimestamp(), samples);
        Assert.Single(samples); // the first; the failed one is skipped, the third is not measured
        Assert.Equal(1, track.Unseen(cursor));
        track.Read(ref cursor, 130, Stopwatch.GetTimestamp(), samples);
        Assert.Equal(2, samples.Count);
        Assert.Equal(0, track.Unseen(cursor));
        Assert.Equal((110, 120, 130), (first.Expected, third.Expected, fourth.Expected));
    }

    private static byte[] Invocation(string argument)
    {
        var bytes = HubMessages.Invocation(HubProtocolKind.MessagePack, "1", "boardUpdate", argument);
        // The writer's own output must read back: [1, {}, "1", "boardUpdate", [argument], []].
        var reader = new MessagePackReader(bytes.AsMemory(2));
        Assert.Equal(6, reader.ReadArrayHeader());
        Assert.Equal(1, reader.ReadInt32());
        return bytes;
    }
}
