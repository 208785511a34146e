using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Orleans.Align.Gateway.Telemetry;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Live;

/// <summary>
/// This gateway's side of live boards: one grain observer for the whole process, subscribed to each
/// board that has at least one watcher here, renewed well before the board forgets it, and dropped
/// when the last watcher leaves. Updates fan out to the SignalR group of that board.
/// </summary>
public sealed class BoardWatches(IClusterClient cluster, IHubContext<LiveHub> hub, ILogger<BoardWatches> logger)
    : BackgroundService, IBoardObserver
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Org, string Board), HashSet<string>> _watchers = [];
    private readonly Dictionary<string, HashSet<(string Org, string Board)>> _byConnection = new(StringComparer.Ordinal);
    private IBoardObserver? _reference;

    private IBoardObserver Reference
    {
        get
        {
            lock (_gate) return _reference ??= cluster.CreateObjectReference<IBoardObserver>(this);
        }
    }

    public static string GroupName(string orgId, string boardId) => $"{orgId}/{boardId}";

    private IBoardGrain Board(string orgId, string boardId) => cluster.GetGrain<IBoardGrain>(GrainKeys.For(orgId, boardId));

    public async Task<BoardSnapshot> WatchAsync(string orgId, string boardId, string connectionId)
    {
        var board = Board(orgId, boardId);
        var key = (orgId, boardId);
        // A watcher before the subscription is sent: when the last watcher's unsubscribe reaches the board
        // after this subscribe, the leaving side sees this watcher once it is done and subscribes again
        // (UnsubscribeAsync), instead of this watcher getting nothing until the next renewal.
        lock (_gate)
        {
            if (!_watchers.TryGetValue(key, out var connections)) _watchers[key] = connections = new(StringComparer.Ordinal);
            connections.Add(connectionId);
            if (!_byConnection.TryGetValue(connectionId, out var boards)) _byConnection[connectionId] = boards = [];
            boards.Add(key);
        }
        try
        {
            await board.SubscribeAsync(Reference); // also proves the board exists in this organization
        }
        catch
        {
            lock (_gate)
            {
                if (_byConnection.TryGetValue(connectionId, out var boards)) boards.Remove(key);
                Forget(orgId, boardId, connectionId);
            }
            throw;
        }
        await hub.Groups.AddToGroupAsync(connectionId, GroupName(orgId, boardId));
        var snapshot = await board.GetSnapshotAsync();
        // The first watcher of a board here starts the group at its snapshot: without this, the first
        // renewal found nothing forwarded and sent the same version again as an update (clients saw a
        // version that did not grow). A later watcher's snapshot does not raise the mark, so watchers
        // already here who missed a push are still caught up by the renewal.
        _forwarded.TryAdd((orgId, boardId), snapshot.Version);
        return await WithLocaleAsync(cluster, orgId, snapshot);
    }

    // An organization's currency and time zone, read at most every 30 s per gateway: a watch (many after a
    // silo restart) should not wait on the organization grain, and a changed currency reaches new screens soon enough.
    private static readonly ConcurrentDictionary<string, (string Currency, string TimeZone, DateTime ReadAt)> Locales = new(StringComparer.Ordinal);

    /// <summary>
    /// The snapshot with the organization's currency and time zone, which its screens format with. Bounded: if the
    /// settings cannot be read within 2 s (a silo just left), the snapshot goes without them and screens keep theirs.
    /// </summary>
    public static async Task<BoardSnapshot> WithLocaleAsync(IClusterClient cluster, string orgId, BoardSnapshot snapshot)
    {
        if (!Locales.TryGetValue(orgId, out var locale) || DateTime.UtcNow - locale.ReadAt > TimeSpan.FromSeconds(30))
        {
            try
            {
                var settings = (await cluster.GetGrain<IOrganizationGrain>(orgId).GetSettingsAsync().WaitAsync(TimeSpan.FromSeconds(2))).WithDefaults();
                Locales[orgId] = locale = (settings.Currency, settings.TimeZone, DateTime.UtcNow);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                if (locale.Currency is null) return snapshot;
            }
        }
        return snapshot with { Currency = locale.Currency, TimeZone = locale.TimeZone };
    }

    public async Task UnwatchAsync(string orgId, string boardId, string connectionId)
    {
        await hub.Groups.RemoveFromGroupAsync(connectionId, GroupName(orgId, boardId));
        bool last;
        lock (_gate)
        {
            if (_byConnection.TryGetValue(connectionId, out var boards)) boards.Remove((orgId, boardId));
            last = Forget(orgId, boardId, connectionId);
        }
        if (last) await UnsubscribeAsync(orgId, boardId);
    }

    public async Task DropConnectionAsync(string connectionId)
    {
        List<(string Org, string Board)> emptied = [];
        lock (_gate)
        {
            if (!_byConnection.Remove(connectionId, out var boards)) return;
            foreach (var (org, board) in boards)
            {
                if (Forget(org, board, connectionId)) emptied.Add((org, board));
            }
        }
        foreach (var (org, board) in emptied) await UnsubscribeAsync(org, board);
    }

    private bool Forget(string orgId, string boardId, string connectionId)
    {
        if (!_watchers.TryGetValue((orgId, boardId), out var connections)) return false;
        connections.Remove(connectionId);
        if (connections.Count > 0) return false;
        _watchers.Remove((orgId, boardId));
        return true;
    }

    private async Task UnsubscribeAsync(string orgId, string boardId)
    {
        _forwarded.TryRemove((orgId, boardId), out _);
        try
        {
            await Board(orgId, boardId).UnsubscribeAsync(Reference);
        }
        catch (Exception ex)
        {
            // Harmless: the subscription expires by itself.
            logger.LogDebug(ex, "Unsubscribing from board {Board} of {Org} failed", boardId, orgId);
        }
        // A watcher came while this was on its way: the board may have taken the unsubscribe after that
        // watcher's subscribe. Subscribe again and forward whatever it pushed meanwhile.
        bool rewatched;
        lock (_gate) rewatched = _watchers.ContainsKey((orgId, boardId));
        if (!rewatched) return;
        try
        {
            await Board(orgId, boardId).SubscribeAsync(Reference);
            await CatchUpAsync((orgId, boardId), CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Subscribing again to board {Board} of {Org} after a watcher came back failed; the next renewal retries", boardId, orgId);
        }
    }

    public Task OnBoardUpdateAsync(BoardUpdate update) => SendTracedAsync(update);

    /// <summary>The SignalR send of a pushed update, as a child span of the board's push (issue 13).</summary>
    private async Task SendTracedAsync(BoardUpdate update)
    {
        using var span = AlignTracing.StartLiveSend(update.OrgId, update.BoardId, update.Version);
        await ForwardAsync(update);
    }

    // The highest version forwarded to each board's group: a renewal that finds the board further on
    // forwards what the watchers missed.
    private readonly ConcurrentDictionary<(string Org, string Board), long> _forwarded = new();

    /// <param name="whole">The update holds every goal of the board (a pull): clients drop the goals it does not hold.</param>
    /// <remarks>
    /// One group send per update: SignalR's default lifetime manager serializes the message once per
    /// protocol (JSON, MessagePack) and writes the same bytes to every connection of the group.
    /// </remarks>
    private Task ForwardAsync(BoardUpdate update, bool whole = false)
    {
        _forwarded.AddOrUpdate((update.OrgId, update.BoardId), update.Version, (_, seen) => Math.Max(seen, update.Version));
        var message = BoardUpdateMessage.From(update, whole);
        CountPush((update.OrgId, update.BoardId), message);
        return hub.Clients.Group(GroupName(update.OrgId, update.BoardId)).SendAsync(LiveHub.BoardUpdateMethod, message);
    }

    private static readonly System.Text.Json.JsonSerializerOptions PushJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// <c>align.live.push.bytes</c>: SignalR serializes a group message itself, so its size is measured
    /// here with the same JSON shape (only when someone listens to the meter), once per push, times the
    /// connections that receive it from this gateway.
    /// </summary>
    private void CountPush((string Org, string Board) key, object message)
    {
        GatewayMetrics.LivePushes.Add(1);
        if (!GatewayMetrics.LivePushBytes.Enabled) return;
        int watchers;
        lock (_gate) watchers = _watchers.TryGetValue(key, out var connections) ? connections.Count : 0;
        if (watchers > 0) GatewayMetrics.LivePushBytes.Add((long)System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message, PushJson).Length * watchers);
    }

    /// <summary>
    /// Pull, after a renewal that found the board past what was forwarded here: pushes from a board
    /// to this gateway can be lost while the cluster settles after a silo died (the board's route to this client still pointed at the dead silo and
    /// the push waited 30 s for an answer that never came). If the board is at a version this gateway
    /// never forwarded, its whole state goes to the watchers as one update: every goal, and the feed
    /// entries it holds, which clients merge by id. Versions only grow, so a late push of an older
    /// version is ignored by clients.
    /// </summary>
    private async Task CatchUpAsync((string Org, string Board) key, CancellationToken cancellationToken)
    {
        var snapshot = await Board(key.Org, key.Board).GetSnapshotAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        if (_forwarded.TryGetValue(key, out var seen) && snapshot.Version <= seen) return;
        lock (_gate)
        {
            if (!_watchers.ContainsKey(key)) return;
        }
        logger.LogInformation("Board {Board} of {Org} is at version {Version}, past the {Seen} forwarded here; forwarding its state to its watchers",
            key.Board, key.Org, snapshot.Version, seen);
        await ForwardAsync(new BoardUpdate(key.Org, key.Board, snapshot.Version, snapshot.Goals, snapshot.Feed, snapshot.Campaign, snapshot.Department), whole: true);
    }

    private long _settleUntilTicks;

    /// <summary>
    /// The Orleans client lost or gained a connection to a silo's gateway: a silo probably died or
    /// joined, well before the cluster declares it. Renew every second from now on for a while.
    /// </summary>
    public void ConnectionsChanged(int before, int now)
    {
        logger.LogInformation("Connected silo gateways went from {Before} to {Now}; renewing board subscriptions", before, now);
        Settle();
    }

    private void Settle() => Interlocked.Exchange(ref _settleUntilTicks, (DateTime.UtcNow + SettleFor).Ticks);

    /// <summary>
    /// Renews every board this gateway watches, all at once, every <see cref="RenewEvery"/>; and
    /// every second for <see cref="SettleFor"/> after the cluster's membership changes (a silo died
    /// or joined: seen as a lost or new gateway connection, or in the management grain's list of
    /// active silos). Boards that lived on a dead silo come back without observers once the cluster
    /// has declared it dead, and until then a renewal may still reach the old activation.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(MembershipCheckEvery);
        var nextRenewal = DateTime.UtcNow + RenewEvery;
        string? membership = null;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = DateTime.UtcNow;
            var current = await ReadMembershipAsync(stoppingToken);
            if (current is not null && membership is not null && current != membership)
            {
                logger.LogInformation("Cluster membership changed ({Before} -> {After}); renewing board subscriptions", membership, current);
                Settle();
            }
            membership = current ?? membership;
            if (now.Ticks < Interlocked.Read(ref _settleUntilTicks) || now >= nextRenewal)
            {
                nextRenewal = now + RenewEvery;
                await RenewAllAsync(stoppingToken);
            }
        }
    }

    public static readonly TimeSpan MembershipCheckEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan SettleFor = TimeSpan.FromSeconds(30);

    /// <summary>The active silos, as one comparable string; null when the cluster does not answer.</summary>
    private async Task<string?> ReadMembershipAsync(CancellationToken cancellationToken)
    {
        try
        {
            var hosts = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return string.Join(",", hosts.Keys.Select(s => s.ToParsableString()).Order(StringComparer.Ordinal));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(ex, "Reading cluster membership failed");
            return null;
        }
    }

    private async Task RenewAllAsync(CancellationToken cancellationToken)
    {
        (string Org, string Board)[] boards;
        lock (_gate) boards = [.. _watchers.Keys];
        await Parallel.ForEachAsync(boards, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (key, ct) =>
        {
            try
            {
                var version = await Board(key.Org, key.Board).SubscribeAsync(Reference).WaitAsync(TimeSpan.FromSeconds(5), ct);
                // The renewal tells the board's version: a snapshot is fetched only when watchers are behind it.
                if (!_forwarded.TryGetValue(key, out var seen) || version > seen) await CatchUpAsync(key, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Renewing the subscription to board {Board} of {Org} failed; retrying next round", key.Board, key.Org);
            }
        });
    }
}
