using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Orleans.Align.Gateway.Auth;

namespace Orleans.Align.Gateway.Live;

/// <summary>
/// Browsers watch boards of their own organization. The organization comes from the connection's
/// credential; a board id is always resolved inside it, so another tenant's board is unreachable.
/// A connection authenticates with a read API key or a person's session cookie (any role reads), and
/// is closed when its key is revoked or its session ends (<see cref="LiveConnections"/>).
/// </summary>
[Authorize(Policy = Policies.Read)]
public sealed class LiveHub(BoardWatches watches, LiveConnections connections, RevokedKeys revoked) : Hub
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
        connections.Open(Context.User!.CredentialOf(), Context);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Close(Context.User!.CredentialOf(), Context.ConnectionId);
        return watches.DropConnectionAsync(Context.ConnectionId);
    }
}
