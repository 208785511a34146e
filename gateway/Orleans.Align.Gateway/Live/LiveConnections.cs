using Microsoft.AspNetCore.SignalR;
using Orleans.Align.Gateway.Auth;

namespace Orleans.Align.Gateway.Live;

/// <summary>
/// The hub connections open on this gateway, by the credential that opened them (a key's hash or a
/// person's session, <see cref="AlignClaims.Credential"/>), so that a revoked key's or an ended
/// session's connections can be closed at once.
/// </summary>
public sealed class LiveConnections(RevokedKeys revoked, ILogger<LiveConnections> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, HubCallerContext>> _byKey = new(StringComparer.Ordinal);

    /// <summary>
    /// Tracks the connection, and closes it at once if its key was revoked meanwhile: a revocation
    /// either finds the connection tracked here, or this finds the revocation.
    /// </summary>
    public void Open(string keyHash, HubCallerContext connection)
    {
        lock (_gate)
        {
            if (!_byKey.TryGetValue(keyHash, out var connections)) _byKey[keyHash] = connections = new(StringComparer.Ordinal);
            connections[connection.ConnectionId] = connection;
        }
        if (revoked.Contains(keyHash)) connection.Abort();
    }

    public void Close(string keyHash, string connectionId)
    {
        lock (_gate)
        {
            if (!_byKey.TryGetValue(keyHash, out var connections)) return;
            connections.Remove(connectionId);
            if (connections.Count == 0) _byKey.Remove(keyHash);
        }
    }

    /// <summary>The credentials that have connections open here, each with the principal of one of its connections.</summary>
    public IReadOnlyList<(string Credential, System.Security.Claims.ClaimsPrincipal User)> Credentials
    {
        get { lock (_gate) return [.. _byKey.Select(k => (k.Key, k.Value.Values.First().User!))]; }
    }

    /// <summary>The principal of one of the credential's open connections here, or null when it has none.</summary>
    public System.Security.Claims.ClaimsPrincipal? UserOf(string credential)
    {
        lock (_gate) return _byKey.TryGetValue(credential, out var connections) ? connections.Values.First().User : null;
    }

    /// <summary>Closes every connection opened with the key (the caller has already recorded it as revoked).</summary>
    public void Abort(string keyHash)
    {
        List<HubCallerContext> connections;
        lock (_gate)
        {
            if (!_byKey.Remove(keyHash, out var byId)) return;
            connections = [.. byId.Values];
        }
        logger.LogInformation("Closing {Count} live connection(s) of a revoked API key or an ended session", connections.Count);
        foreach (var connection in connections) connection.Abort();
    }
}
