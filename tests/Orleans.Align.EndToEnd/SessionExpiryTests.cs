using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// A system of its own whose sessions live <see cref="SessionExpiryTests.Lifetime"/> (the silo's
/// <c>Align:Accounts:SessionLifetime</c>; production keeps 14 days), so that a test can watch one end.
/// </summary>
public sealed class ShortSessionSystem() : AlignSystem(new AlignSystemOptions(SiloArguments:
[
    $"--Align:Accounts:SessionLifetime={SessionExpiryTests.Lifetime:c}",
]));

/// <summary>
/// A session ends at its absolute lifetime however busy it is: the API answers 401 and an open live
/// connection is closed, though the gateway had cached the session and nothing was announced.
/// </summary>
public sealed class SessionExpiryTests(ShortSessionSystem system) : IClassFixture<ShortSessionSystem>
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(8);

    /// <summary>Past the lifetime, how long the end may take to show (a loaded two-core machine is slow; the gateway itself closes on time).</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_session_past_its_lifetime_gets_401_and_its_live_connection_is_closed_however_active_it_was()
    {
        var tenant = await system.CreateTenantAsync("se");
        var (campaign, _) = await tenant.SeedLaunchAsync();
        var email = await tenant.AddPersonAsync("viewer");
        var signingInAt = DateTimeOffset.UtcNow;
        using var person = await tenant.SignInAsync(email);
        await using var hub = person.Hub();
        var closed = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult(DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement>("WatchBoard", $"campaign:{campaign}");
        Assert.Equal(HttpStatusCode.OK, await person.StatusAsync(HttpMethod.Get, "/api/v1/me")); // the gateway has it cached now

        // Busy all along (which also slides the cookie's idle timeout): the lifetime is absolute.
        var deadline = signingInAt + Lifetime + Grace;
        HttpStatusCode status;
        while ((status = await person.StatusAsync(HttpMethod.Get, "/api/v1/goals")) != HttpStatusCode.Unauthorized)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(DateTimeOffset.UtcNow < deadline, $"The session still works {(DateTimeOffset.UtcNow - signingInAt).TotalSeconds:F1} s after sign-in; its lifetime is {Lifetime.TotalSeconds} s.");
            await Task.Delay(250);
        }
        var closedAt = await closed.Task.WaitAsync(deadline - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(1));

        Assert.True(closedAt >= signingInAt + Lifetime, $"The connection was closed {(closedAt - signingInAt).TotalSeconds:F1} s after sign-in, before the session's end.");
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
        Assert.Equal(HttpStatusCode.Unauthorized, await person.StatusAsync(HttpMethod.Get, "/api/v1/me"));
        await using var again = person.Hub();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => again.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // Signing in again opens a new session.
        using var renewed = await tenant.SignInAsync(email);
        Assert.Equal(HttpStatusCode.OK, await renewed.StatusAsync(HttpMethod.Get, "/api/v1/goals"));
    }
}
