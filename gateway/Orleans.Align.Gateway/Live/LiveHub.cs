using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Gateway.Telemetry;

namespace Orleans.Align.Gateway.Live;

/// <summary>
/// Browsers watch boards of their own organization. The organization comes from the connection's
/// credential; a board id is always resolved inside it, so another tenant's board is unreachable.
/// A connection authenticates with a read API key or a person's session cookie (any role reads), and
/// is closed when its key is revoked or its session ends (<see cref="LiveConnections"/>). A wall-screen
/// board link watches its own board only, and its connection is closed when the link expires; a
/// person's connection is closed when the session reaches its lifetime, and each call reads the
/// person's role as it is now.
/// </summary>
[Authorize(Policy = Policies.WatchBoard)]
public sealed class LiveHub(BoardWatches watches, LiveConnections connections, RevokedKeys revoked, SessionResolver sessions, TimeProvider clock) : Hub
{
    public const string Path = "/hubs/live";
    public const string BoardUpdateMethod = "boardUpdate";

    /// <summary>Joins the board's group first, then returns the snapshot, so no update falls between the two.</summary>
    public async Task<BoardSnapshot> WatchBoard(string boardId)
    {
        if (!BoardIds.IsValid(boardId))
            throw new HubException($"'{boardId}' is not a board id; use {BoardIds.Rule}.");
        if (revoked.Contains(Context.User!.CredentialOf()))
        {
            Context.Abort();
            throw new HubException("The API key or session of this connection has been revoked.");
        }
        var grant = Context.User!.GrantOf();
        if (Context.User!.IsPerson())
        {
            // A person's role is read at each call, not at connect: after a role change the connection
            // has the new rights at once, and a session that ended or expired is closed here at the latest.
            if (await sessions.ResolveAsync(Context.User!) is not { } session)
            {
                Context.Abort();
                throw new HubException("The session of this connection has ended.");
            }
            grant = Grant.ForRole(session.Membership.Role, session.Membership.Departments);
        }
        if (!Access.AllowsBoard(grant, boardId))
            throw new HubException(Context.User!.BoardOf() is { } own
                ? $"This board link reads its own board only ('{own}'), not '{boardId}'."
                : $"Your role does not allow watching '{boardId}'.");
        try
        {
            return await watches.WatchAsync(Context.User!.OrgId(), boardId, Context.ConnectionId);
        }
        catch (AlignException e) when (e.Kind == AlignErrorKind.NotFound)
        {
            throw new HubException(e.Message);
        }
    }

    public Task UnwatchBoard(string boardId) => watches.UnwatchAsync(Context.User!.OrgId(), boardId, Context.ConnectionId);

    public override Task OnConnectedAsync()
    {
        GatewayMetrics.LiveConnections.Add(1);
        connections.Open(Context.User!.CredentialOf(), Context);
        if (Context.User!.ExpiresAtOf() is { } expiresAt) CloseAt(Context, expiresAt, clock);
        return Task.CompletedTask;
    }

    /// <summary>An expiring board link's or session's connection is closed when it expires, as a revoked one is.</summary>
    private static void CloseAt(HubCallerContext connection, DateTimeOffset expiresAt, TimeProvider clock)
    {
        var wait = expiresAt - clock.GetUtcNow();
        if (wait <= TimeSpan.Zero) { connection.Abort(); return; }
        // The timer is cancelled with the connection; a link valid for years needs no timer (nothing waits that long).
        if (wait > TimeSpan.FromDays(24)) return;
        var timer = clock.CreateTimer(_ => connection.Abort(), null, wait, Timeout.InfiniteTimeSpan);
        connection.ConnectionAborted.Register(() => timer.Dispose());
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        GatewayMetrics.LiveConnections.Add(-1);
        connections.Close(Context.User!.CredentialOf(), Context.ConnectionId);
        return watches.DropConnectionAsync(Context.ConnectionId);
    }
}
