using System.Net;
using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The same event id with different content, over HTTP against the real processes: a conflict named
/// per event (its index in the batch, its id, the stored event's sequence), never stored, never counted.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ConflictTests(AlignSystem system)
{
    private static object Lead(string id, double value, string? timestamp = null) => timestamp is null
        ? new { id, metric = "leads", value, campaign = "launch", department = "marketing" }
        : new { id, metric = "leads", value, timestamp, campaign = "launch", department = "marketing" };

    /// <summary>Inside the goal's period (it started a day ago).</summary>
    private static readonly string Recently = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O");

    [Fact]
    public async Task A_batch_with_a_conflicting_event_is_200_with_the_conflict_listed_and_the_other_events_counted()
    {
        var tenant = await system.CreateTenantAsync("conflict");
        var (_, goal) = await tenant.SeedLaunchAsync();
        await tenant.PostOkAsync("/api/v1/events", new { events = new[] { Lead("c1", 5, Recently), Lead("c2", 3) } });

        var answer = await tenant.PostOkAsync("/api/v1/events", new { events = new[] { Lead("c3", 1), Lead("c1", 50, Recently), Lead("c2", 3) } });

        Assert.Equal(1, answer["accepted"]!.GetValue<int>());
        Assert.Equal(1, answer["duplicates"]!.GetValue<int>());
        var conflict = Assert.Single(answer["conflicts"]!.AsArray())!;
        Assert.Equal((1, "c1", 1L), (conflict["index"]!.GetValue<int>(), conflict["id"]!.GetValue<string>(), conflict["storedSequence"]!.GetValue<long>()));
        await Eventually.EqualAsync(9, () => tenant.ProgressAsync(goal));
    }

    [Fact]
    public async Task A_batch_whose_every_event_conflicts_is_a_409_problem_listing_them_and_changes_nothing()
    {
        var tenant = await system.CreateTenantAsync("conflict");
        var (_, goal) = await tenant.SeedLaunchAsync();
        await tenant.PostEventsAsync(("k1", 7));
        await Eventually.EqualAsync(7, () => tenant.ProgressAsync(goal));

        using var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", new { events = new[] { Lead("k1", 70) } });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var resent = await tenant.PostEventsAsync(("k1", 7));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(409, problem["status"]!.GetValue<int>());
        var conflict = Assert.Single(problem["conflicts"]!.AsArray())!;
        Assert.Equal((0, "k1"), (conflict["index"]!.GetValue<int>(), conflict["id"]!.GetValue<string>()));
        Assert.Equal(1, resent["duplicates"]!.GetValue<int>());
        Assert.Empty(resent["conflicts"]!.AsArray());
        Assert.Equal(7, await tenant.ProgressAsync(goal));
    }
}
