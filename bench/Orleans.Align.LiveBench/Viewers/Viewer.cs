using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Orleans.Align.LiveBench.Measure;
using Orleans.Align.LiveBench.Protocol;

namespace Orleans.Align.LiveBench.Viewers;

/// <summary>Where a viewer connects: the hub's address, its credential (null for the bare hub) and the board it watches.</summary>
public sealed record ViewerTarget(Uri BaseUrl, string HubPath, string? AccessToken, string BoardId, HubProtocolKind Protocol);

/// <summary>What a probe viewer measures: the product's probe goal, or the bare hub's send stamp.</summary>
public abstract record ProbeKind
{
    public sealed record Goal(ProbeTrack Track) : ProbeKind;

    /// <summary>The bare hub stamps each message with <c>sentAt</c> (Unix microseconds) when it sends it.</summary>
    public sealed record SentAt : ProbeKind;
}

public enum ViewerState
{
    Connecting,
    Watching,
    Failed,
    Closed,
}

/// <summary>
/// One browser as the hub sees it, over a raw WebSocket: negotiate, connect, handshake, WatchBoard,
/// then read. It counts messages and bytes without parsing them; a probe viewer also parses every
/// push and takes freshness samples. It answers nothing but sends a ping every 15 s, as SignalR
/// clients do, so the server does not time it out.
/// </summary>
public sealed class Viewer(ViewerTarget target, HttpClient negotiate, ProbeKind? probe)
{
    private static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(15);
    private const string WatchInvocationId = "1";

    private readonly HubMessageSplitter _splitter = new(target.Protocol) { KeepAll = probe is not null };
    private readonly List<double> _samples = [];
    private ClientWebSocket? _socket;
    private int _cursor;
    private bool _watchNeeded;
    private bool _measuring;

    // Totals, read by the runner at the window's edges (64-bit reads are atomic on the platforms we run on).
    public long BytesReceived;
    public long Pushes;
    public long PushBytes;

    public ViewerState State { get; private set; } = ViewerState.Connecting;
    public string? Failure { get; private set; }
    public bool IsProbe => probe is not null;
    public ProbeTrack? Track => (probe as ProbeKind.Goal)?.Track;

    /// <summary>Freshness samples taken while <see cref="Measure"/> was on.</summary>
    public IReadOnlyList<double> Samples => _samples;

    public int Cursor => _cursor;

    /// <summary>Samples count from now on (the bare hub's stamps; the product's probe batches carry their own window mark).</summary>
    public void Measure(bool on) => Volatile.Write(ref _measuring, on);

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            await ConnectWithRetriesAsync(stop);
            using var pings = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var pinging = PingAsync(pings.Token);
            try
            {
                await ReceiveAsync(stop);
            }
            finally
            {
                await pings.CancelAsync();
                await pinging;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Whatever ends one viewer is that viewer's failure, counted and shown in the report; the run goes on.
            Fail($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            if (State is ViewerState.Watching or ViewerState.Connecting && !stop.IsCancellationRequested) Fail(Failure ?? "the server closed the connection");
            await CloseAsync();
        }
    }

    /// <summary>Still open and watching when asked.</summary>
    public bool IsHeld => State == ViewerState.Watching && _socket?.State == WebSocketState.Open;

    /// <summary>A refused or throttled connect (429 while thousands connect) is tried again twice, after 1 s and 2 s.</summary>
    private async Task ConnectWithRetriesAsync(CancellationToken stop)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ConnectAsync(stop);
                return;
            }
            catch (Exception ex) when (attempt < 3 && !stop.IsCancellationRequested && ex is HttpRequestException or WebSocketException or InvalidDataException)
            {
                _socket?.Dispose();
                _socket = null;
                await Task.Delay(TimeSpan.FromSeconds(attempt), stop);
            }
        }
    }

    private async Task ConnectAsync(CancellationToken stop)
    {
        var token = target.AccessToken is null ? "" : "&access_token=" + Uri.EscapeDataString(target.AccessToken);
        using var response = await negotiate.PostAsync(new Uri(target.BaseUrl, $"{target.HubPath}/negotiate?negotiateVersion=1{token}"), null, stop);
        if (!response.IsSuccessStatusCode) throw new InvalidDataException($"negotiate answered {(int)response.StatusCode}");
        using var negotiated = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(stop));
        var connectionToken = negotiated.RootElement.GetProperty("connectionToken").GetString();

        var ws = new UriBuilder(new Uri(target.BaseUrl, target.HubPath)) { Scheme = target.BaseUrl.Scheme == "https" ? "wss" : "ws" };
        ws.Query = $"id={Uri.EscapeDataString(connectionToken ?? "")}{token}";
        _socket = new ClientWebSocket();
        _socket.Options.KeepAliveInterval = TimeSpan.Zero; // SignalR pings are the keep-alive
        _socket.Options.Proxy = null;
        await _socket.ConnectAsync(ws.Uri, stop);
        await SendAsync(HubMessages.Handshake(target.Protocol), WebSocketMessageType.Text, stop);
    }

    private async Task ReceiveAsync(CancellationToken stop)
    {
        // Small: most pushes span a few reads, which is cheaper than 10,000 large buffers.
        var buffer = new byte[4096];
        var socket = _socket!;
        while (!stop.IsCancellationRequested)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), stop);
            if (result.MessageType == WebSocketMessageType.Close) return;
            BytesReceived += result.Count;
            _splitter.Feed(buffer.AsSpan(0, result.Count), OnMessage);
            if (State == ViewerState.Failed) return;
            if (_watchNeeded)
            {
                _watchNeeded = false;
                var invocation = HubMessages.Invocation(target.Protocol, WatchInvocationId, "WatchBoard", target.BoardId);
                await SendAsync(invocation, target.Protocol == HubProtocolKind.Json ? WebSocketMessageType.Text : WebSocketMessageType.Binary, stop);
            }
        }
    }

    private void OnMessage(int type, int length, ReadOnlySpan<byte> body)
    {
        switch (type)
        {
            case HubMessageType.Handshake:
                if (HubMessages.ErrorOf(type, body, target.Protocol) is { } refused) Fail($"handshake refused: {refused}");
                else _watchNeeded = true;
                break;
            case HubMessageType.Completion:
                if (HubMessages.ErrorOf(type, body, target.Protocol) is { } error) Fail($"WatchBoard failed: {error}");
                else State = ViewerState.Watching;
                if (probe is not null) Probe(body); // the snapshot: the probe's starting value
                break;
            case HubMessageType.Invocation:
                Pushes++;
                PushBytes += length;
                if (probe is not null) Probe(body);
                break;
            case HubMessageType.Close:
                Fail($"closed by the server: {HubMessages.ErrorOf(type, body, target.Protocol) ?? "no error given"}");
                break;
        }
    }

    private void Probe(ReadOnlySpan<byte> body)
    {
        var now = Stopwatch.GetTimestamp();
        var message = target.Protocol == HubProtocolKind.Json ? PushReading.FromJson(body) : PushReading.FromMessagePack(body.ToArray());
        switch (probe)
        {
            case ProbeKind.Goal goal:
                if (PushReading.GoalValue(message, goal.Track.GoalId) is { } value) goal.Track.Read(ref _cursor, value, now, _samples);
                break;
            case ProbeKind.SentAt:
                if (Volatile.Read(ref _measuring) && PushReading.NumberField(message, "sentAt") is { } sentAt)
                {
                    var receivedAt = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10.0;
                    _samples.Add((receivedAt - sentAt) / 1000.0);
                }
                break;
        }
    }

    private async Task PingAsync(CancellationToken stop)
    {
        var ping = HubMessages.Ping(target.Protocol);
        var kind = target.Protocol == HubProtocolKind.Json ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        try
        {
            while (true)
            {
                await Task.Delay(PingEvery, stop);
                await SendAsync(ping, kind, stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The receive loop reports why the connection ended.
        }
    }

    private readonly SemaphoreSlim _sending = new(1, 1);

    private async Task SendAsync(byte[] message, WebSocketMessageType kind, CancellationToken stop)
    {
        await _sending.WaitAsync(stop);
        try
        {
            await _socket!.SendAsync(message, kind, endOfMessage: true, stop);
        }
        finally
        {
            _sending.Release();
        }
    }

    private void Fail(string reason)
    {
        if (State == ViewerState.Failed) return;
        Failure = reason;
        State = ViewerState.Failed;
    }

    private async Task CloseAsync()
    {
        if (_socket is null) return;
        if (State == ViewerState.Watching) State = ViewerState.Closed;
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        _socket.Dispose();
    }
}
