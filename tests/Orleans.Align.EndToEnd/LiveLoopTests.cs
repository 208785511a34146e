using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Orleans.Align.EndToEnd;

/// <summary>HTTP in, SignalR out, through the real silo and gateway processes.</summary>
[Collection(SystemCollection.Name)]
public sealed class LiveLoopTests(AlignSystem system)
{
    private HubConnection Connect(string key) => new HubConnectionBuilder()
        .WithUrl(new Uri(system.Gateway, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(key))
        .Build();

    [Fact]
    public async Task A_watcher_gets_a_snapshot_then_sees_the_goal_move_as_events_arrive()
    {
        var tenant = await system.CreateTenantAsync();
        var (campaign, goal) = await tenant.SeedLaunchAsync();
        var readKey = await tenant.CreateReadKeyAsync();

        var updates = Channel.CreateUnbounded<JsonElement>();
        await using var hub = Connect(readKey);
        hub.On<JsonElement>("boardUpdate", u => updates.Writer.TryWrite(u));
        await hub.StartAsync();
        var snapshot = await hub.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");

        Assert.Equal($"campaign:{campaign}", snapshot.GetProperty("boardId").GetString());
        var snapshotGoal = Assert.Single(snapshot.GetProperty("goals").EnumerateArray());
        Assert.Equal(goal, snapshotGoal.GetProperty("id").GetString());
        Assert.Equal(0, snapshotGoal.GetProperty("progress").GetDouble());

        await tenant.PostEventsAsync(("e1", 3), ("e2", 4));
        await tenant.PostEventsAsync(("e3", 5));

        var version = snapshot.GetProperty("version").GetInt64();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        double progress = 0;
        var deltas = 0;
        async Task FollowUntilAsync(double expected)
        {
            while (progress < expected)
            {
                var update = await updates.Reader.ReadAsync(timeout.Token);
                var next = update.GetProperty("version").GetInt64();
                if (next <= version) continue; // already shown
                // Each update names the version it builds on (a whole one, a pull after a lost push, none). Pushes of one
                // board can overtake each other on their way through the cluster: one that does not build on the version
                // shown is not merged; the board is watched again.
                var whole = update.GetProperty("whole").GetBoolean();
                if (!whole && update.GetProperty("baseVersion").GetInt64() != version)
                {
                    var again = await hub.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");
                    version = again.GetProperty("version").GetInt64();
                    progress = Assert.Single(again.GetProperty("goals").EnumerateArray()).GetProperty("progress").GetDouble();
                    continue;
                }
                version = next;
                // A goal goes whole when it is new on the board or was still waiting for its push when a snapshot was
                // taken; otherwise it only moves: a delta with what changed, never its title or target.
                foreach (var g in update.GetProperty("goals").EnumerateArray())
                    if (g.GetProperty("id").GetString() == goal) progress = g.GetProperty("progress").GetDouble();
                foreach (var g in update.GetProperty("changes").EnumerateArray())
                {
                    Assert.False(g.TryGetProperty("title", out _), $"a delta carried the goal's title: {g}");
                    Assert.False(g.TryGetProperty("target", out _), $"a delta carried the goal's target: {g}");
                    if (g.GetProperty("id").GetString() == goal && g.TryGetProperty("progress", out var moved)) { progress = moved.GetDouble(); deltas++; }
                }
            }
        }
        await FollowUntilAsync(12);
        Assert.Equal(12, progress);
        // Once the board has pushed everything it held, the next move of a goal it shows goes as a delta.
        var before = deltas;
        await tenant.PostEventsAsync(("e4", 1));
        await FollowUntilAsync(13);
        Assert.Equal(13, progress);
        Assert.True(deltas > before, "the goal's move after everything was pushed did not come as a delta");
        Assert.Equal(13, await tenant.ProgressAsync(goal));
    }

    [Theory]
    [InlineData(HubProtocol.Json)]
    [InlineData(HubProtocol.MessagePack)]
    public async Task A_viewer_in_either_hub_protocol_gets_the_snapshot_and_merges_updates_into_the_goal_as_it_is(HubProtocol protocol)
    {
        var tenant = await system.CreateTenantAsync();
        var (campaign, goal) = await tenant.SeedLaunchAsync(target: 40);
        var readKey = await tenant.CreateReadKeyAsync();
        await using var viewer = new BoardViewer(system.Gateway, readKey, $"campaign:{campaign}", protocol);
        await viewer.StartAsync();
        var shown = Assert.IsType<GoalView>(viewer.Goal(goal));
        Assert.Equal(("Launch leads", 40d, 0d), (shown.Title, shown.Target, shown.Progress));

        await tenant.PostEventsAsync(("p1", 3), ("p2", 4));
        await tenant.PostEventsAsync(("p3", 5));

        await Eventually.EqualAsync(12d, () => Task.FromResult(viewer.Progress(goal) ?? -1));
        Assert.True(viewer.PushCount > 0);
        // What the viewer merged is the goal as the API has it: every field a delta left out stayed as it was.
        var merged = viewer.Goal(goal)!;
        var api = await tenant.GetOkAsync($"/api/v1/goals/{goal}");
        Assert.Equal((api["title"]!.GetValue<string>(), api["target"]!.GetValue<double>(), api["eventCount"]!.GetValue<long>(), api["percent"]!.GetValue<double>()),
            (merged.Title, merged.Target, merged.EventCount, merged.Percent!.Value));
        Assert.Equal(["marketing", "sales"], merged.Owners);
        Assert.Equal(0, viewer.Gaps);
    }

    [Fact]
    public async Task Another_organizations_key_cannot_watch_the_board_or_read_or_move_the_goal()
    {
        var owner = await system.CreateTenantAsync("a");
        var (campaign, goal) = await owner.SeedLaunchAsync();
        await owner.PostEventsAsync(("owned-1", 2));
        var intruder = await system.CreateTenantAsync("b");

        await using var hub = Connect(intruder.ApiKey);
        await hub.StartAsync();
        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}"));
        Assert.Contains("does not exist", refused.Message);

        using (var read = await intruder.SendAsync(HttpMethod.Get, $"/api/v1/goals/{goal}"))
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using (var board = await intruder.SendAsync(HttpMethod.Get, $"/api/v1/boards/campaign:{campaign}"))
            Assert.Equal(HttpStatusCode.NotFound, board.StatusCode);
        using (var ingest = await intruder.SendAsync(HttpMethod.Post, "/api/v1/events", new { events = new[] { new { id = "x1", metric = "leads", value = 1000, campaign } } }))
            Assert.Equal(HttpStatusCode.BadRequest, ingest.StatusCode);

        await Eventually.EqualAsync(2, () => owner.ProgressAsync(goal));
        var ownGoals = await intruder.GetOkAsync("/api/v1/goals");
        Assert.Empty(ownGoals.AsArray());
    }

    [Fact]
    public async Task A_retried_batch_is_reported_as_duplicates_and_counted_once()
    {
        var tenant = await system.CreateTenantAsync();
        var (_, goal) = await tenant.SeedLaunchAsync();

        var first = await tenant.PostEventsAsync(("r1", 10), ("r2", 20));
        var retry = await tenant.PostEventsAsync(("r1", 10), ("r2", 20), ("r3", 1));

        Assert.Equal(2, first["accepted"]!.GetValue<int>());
        Assert.Equal(1, retry["accepted"]!.GetValue<int>());
        Assert.Equal(2, retry["duplicates"]!.GetValue<int>());
        await Eventually.EqualAsync(31, () => tenant.ProgressAsync(goal));
    }

    [Fact]
    public async Task A_hub_connection_without_a_valid_key_is_refused()
    {
        await using var hub = Connect("ak_not-a-real-key");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_read_key_cannot_ingest_or_change_the_catalogue()
    {
        var tenant = await system.CreateTenantAsync();
        await tenant.SeedLaunchAsync();
        var readKey = await tenant.CreateReadKeyAsync();

        using var ingest = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", new { events = new[] { new { id = "k1", metric = "leads", value = 1 } } }, readKey);
        using var department = await tenant.SendAsync(HttpMethod.Post, "/api/v1/departments", new { id = "ops", name = "Ops" }, readKey);

        Assert.Equal(HttpStatusCode.Forbidden, ingest.StatusCode);
        Assert.Equal("application/problem+json", ingest.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, department.StatusCode);
    }
}

internal static class Eventually
{
    /// <summary>Views update just after the ingest acknowledgement; poll briefly instead of sleeping blindly.</summary>
    public static async Task EqualAsync<T>(T expected, Func<Task<T>> actual, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        T last;
        do
        {
            last = await actual();
            if (EqualityComparer<T>.Default.Equals(last, expected)) return;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(expected, last);
    }
}
