using System.Net;
using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Corrections exact under resends while the silo is SIGKILLed and started again: every correction
/// batch is resent until acknowledged (and some acknowledged ones again), and the goal, rebuilt from the
/// log too, ends at the corrected values exactly; the record of what was corrected survives the restart.
/// </summary>
[Collection(DurabilityCollection.Name)]
public sealed class CorrectionDurabilityTests(AlignSystem system)
{
    private const int Batches = 40;
    private const int Size = 20;

    [Fact]
    public async Task Corrections_resent_through_a_silo_kill_count_exactly_once_and_stay_corrected_after_the_restart()
    {
        var tenant = await system.CreateTenantAsync("corrkill");
        var (_, goal) = await tenant.SeedLaunchAsync(target: 1_000_000);
        // Originals of 10 each, then a correction of each to 1 + (i % 5).
        for (var b = 0; b < Batches; b++)
            await tenant.PostOkAsync("/api/v1/events", new { events = Enumerable.Range(0, Size).Select(i => Lead($"o{b}-{i}", 10)) });
        await Eventually.EqualAsync(Batches * Size * 10.0, () => tenant.ProgressAsync(goal), timeoutMs: 30_000);

        var acknowledged = 0;
        var failures = 0;
        var sending = Task.Run(async () =>
        {
            for (var b = 0; b < Batches; b++)
            {
                failures += await SendUntilAcknowledgedAsync(tenant, CorrectionBatch(b));
                Interlocked.Increment(ref acknowledged);
                // An integration that lost our answer sends the previous batch again.
                if (b % 5 == 4) failures += await SendUntilAcknowledgedAsync(tenant, CorrectionBatch(b - 1));
            }
        });
        var waitUntil = DateTime.UtcNow.AddSeconds(60);
        while (Volatile.Read(ref acknowledged) < Batches / 4)
        {
            Assert.True(DateTime.UtcNow < waitUntil, $"only {acknowledged} correction batches acknowledged");
            await Task.Delay(20);
        }
        system.KillSilo();
        await Task.Delay(300);
        await system.StartSiloAsync();
        await sending;

        var expected = (double)Batches * Enumerable.Range(0, Size).Sum(i => 1 + i % 5);
        await Eventually.EqualAsync(expected, () => tenant.ProgressAsync(goal), timeoutMs: 30_000);
        // Every correction once more, after the restart: duplicates all, nothing changes.
        for (var b = 0; b < Batches; b++)
        {
            var again = await tenant.PostOkAsync("/api/v1/events", CorrectionBatch(b));
            Assert.Equal((0, Size), (again["accepted"]!.GetValue<int>(), again["duplicates"]!.GetValue<int>()));
        }
        // The corrected events stay corrected across the restart: a second correction of one is refused.
        using var twice = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", new { events = new[] { Correction("late", "o0-0", 99) } });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("c0-0", JsonNode.Parse(await twice.Content.ReadAsStringAsync())!["refusals"]![0]!["newerCorrection"]!.GetValue<string>());
        var rebuilt = await tenant.PostOkAsync($"/api/v1/goals/{goal}/rebuild", new { });
        Assert.Equal(expected, rebuilt["progress"]!.GetValue<double>());
        Assert.Equal(expected, await tenant.ProgressAsync(goal));
        Assert.True(failures > 0, "the kill should have interrupted some requests");
    }

    private static object Lead(string id, double value) => new { id, metric = "leads", value, campaign = "launch", department = "marketing", source = "e2e" };

    private static object Correction(string id, string corrects, double value) => new { id, metric = "leads", value, corrects, source = "e2e" };

    private static object CorrectionBatch(int b) => new { events = Enumerable.Range(0, Size).Select(i => Correction($"c{b}-{i}", $"o{b}-{i}", 1 + i % 5)) };

    /// <summary>Resends until a 2xx; returns how many attempts failed (503s and broken connections while the silo is away).</summary>
    private static async Task<int> SendUntilAcknowledgedAsync(Tenant tenant, object body)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        for (var failed = 0; ; failed++)
        {
            try
            {
                using var response = await tenant.SendAsync(HttpMethod.Post, "/api/v1/events", body);
                if (response.IsSuccessStatusCode)
                {
                    var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                    Assert.Equal(Size, result["accepted"]!.GetValue<int>() + result["duplicates"]!.GetValue<int>());
                    return failed;
                }
                Assert.True((int)response.StatusCode is 503 or 504 or 502, $"unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            Assert.True(DateTime.UtcNow < deadline, "a correction batch was never acknowledged");
            await Task.Delay(200);
        }
    }
}
