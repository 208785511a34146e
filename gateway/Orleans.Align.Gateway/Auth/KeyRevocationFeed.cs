using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Live;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Auth;

/// <summary>
/// Reads the cluster's revocation feed (<see cref="IKeyRevocationsGrain"/>) every
/// <see cref="ApiKeyOptions.RevocationPollInterval"/>: each revoked key or ended session (signed out,
/// or its membership revoked) leaves the caches and its live connections are closed. A poll rather than a push, because a poll proves its own freshness: after
/// a successful read the gateway knows it has seen every revocation made before the read began,
/// whereas a lost push (an expired observer, a silo that died) would go unnoticed. When reads fail,
/// <see cref="ApiKeyResolver"/> stops trusting its cache after <see cref="ApiKeyOptions.RevocationFeedMaxAge"/>.
/// </summary>
public sealed class KeyRevocationFeed(
    IClusterClient cluster,
    RevokedKeys revoked,
    ApiKeyResolver resolver,
    SessionResolver sessions,
    LiveConnections connections,
    IOptions<ApiKeyOptions> options,
    TimeProvider clock,
    ILogger<KeyRevocationFeed> logger) : BackgroundService
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2), PruneEvery = TimeSpan.FromMinutes(1);

    private long _epoch, _sequence;
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevocationPollInterval, clock);
        var pruneAt = clock.GetUtcNow() + PruneEvery;
        do
        {
            await ReadAsync(stoppingToken);
            if (clock.GetUtcNow() >= pruneAt)
            {
                revoked.Prune();
                pruneAt = clock.GetUtcNow() + PruneEvery;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        KeyRevocationBatch batch;
        try
        {
            batch = await cluster.GetGrain<IKeyRevocationsGrain>(0).ReadSinceAsync(_epoch, _sequence).WaitAsync(ReadTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (!_failing) logger.LogWarning(ex, "Reading the key revocation feed failed; API keys are looked up in the cluster until it answers again");
            _failing = true;
            return;
        }

        List<string>? changed = null;
        foreach (var revocation in batch.Revocations)
        {
            if (SessionCredentials.IsChanged(revocation.KeyHash, out var session))
            {
                // The session goes on with another role or other departments: its next request reads them.
                sessions.Forget(session);
                (changed ??= []).Add(session);
                continue;
            }
            // Recorded first, so a lookup already in flight cannot cache the key again and a connection opening now closes.
            revoked.Add(revocation.KeyHash);
            resolver.Forget(revocation.KeyHash);
            sessions.Forget(revocation.KeyHash);
            connections.Abort(revocation.KeyHash);
        }
        if (!batch.Complete)
        {
            // The first read, a feed that started over, or a gap too long to replay: whatever was revoked
            // meanwhile is unknown, so every cached key and every open connection is checked again.
            if (_epoch != 0) logger.LogWarning("The key revocation feed could not replay what this gateway missed; re-checking every key in use");
            resolver.ForgetAll();
            sessions.ForgetAll();
            // Not synced until every open connection has been checked: the next read tries again.
            if (!await RecheckConnectionsAsync(cancellationToken)) return;
        }
        if (changed is not null) await RecheckChangedAsync(changed, cancellationToken);
        (_epoch, _sequence) = (batch.Epoch, batch.Sequence);
        revoked.MarkSynced(startedAt);
        if (_failing) logger.LogInformation("The key revocation feed answers again");
        _failing = false;
    }

    /// <summary>
    /// The live connections of sessions whose membership changed: closed when the session no longer
    /// stands. (Hub methods read the role afresh at each call, so a connection that stays has its new
    /// rights at once.) A failed check leaves the connection to those per-call checks.
    /// </summary>
    private async Task RecheckChangedAsync(List<string> credentials, CancellationToken cancellationToken)
    {
        foreach (var credential in credentials)
        {
            if (connections.UserOf(credential) is not { } user) continue;
            try
            {
                if (await sessions.ResolveNowAsync(user).WaitAsync(ReadTimeout, cancellationToken) is null) connections.Abort(credential);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Re-checking the live connections of a changed membership failed; their next hub call checks again");
            }
        }
    }

    private async Task<bool> RecheckConnectionsAsync(CancellationToken cancellationToken)
    {
        foreach (var (credential, user) in connections.Credentials)
        {
            try
            {
                var valid = SessionCredentials.IsSession(credential)
                    ? await sessions.ResolveNowAsync(user).WaitAsync(ReadTimeout, cancellationToken) is not null
                    : await resolver.ResolveNowAsync(credential).WaitAsync(ReadTimeout, cancellationToken) is not null;
                if (!valid) connections.Abort(credential);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Re-checking the key of open live connections failed; retrying on the next read");
                return false;
            }
        }
        return true;
    }
}
