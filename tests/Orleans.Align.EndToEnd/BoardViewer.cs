using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Align.EndToEnd;

/// <summary>The hub protocols a viewer can speak.</summary>
public enum HubProtocol { Json, MessagePack }

/// <summary>
/// A browser's view of one board over SignalR on one gateway, in either hub protocol: every push, when it
/// arrived, and the goals as a browser shows them. It merges updates as the web client does (live.ts): one
/// that builds on the version shown is applied (whole views replace a goal, deltas are merged onto it), one
/// at or below it is ignored, and after a gap it watches the board again for a fresh snapshot.
/// </summary>
public sealed class BoardViewer(Uri gateway, string key, string boardId, HubProtocol protocol = HubProtocol.Json) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<(DateTime At, long Version)> _pushes = [];
    private readonly Dictionary<string, GoalView> _goals = new(StringComparer.Ordinal);
    private long? _version;
    private int _gaps;
    private HubConnection? _hub;

    public Uri Gateway { get; } = gateway;

    /// <summary>A hub connection with the gateway's conventions (enums as camelCase strings in JSON) in the protocol asked for.</summary>
    public static HubConnection Connect(Uri gateway, string key, HubProtocol protocol = HubProtocol.Json)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(gateway, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(key));
        if (protocol == HubProtocol.MessagePack) builder.AddMessagePackProtocol();
        else builder.AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        return builder.Build();
    }

    public async Task StartAsync()
    {
        _hub = Connect(Gateway, key, protocol);
        _hub.On<BoardUpdateMessage>("boardUpdate", Record);
        await _hub.StartAsync();
        await WatchAsync();
    }

    private async Task WatchAsync()
    {
        var snapshot = await _hub!.InvokeAsync<BoardSnapshot>("WatchBoard", boardId);
        lock (_gate)
        {
            if (_version >= snapshot.Version) return;
            _goals.Clear();
            foreach (var goal in snapshot.Goals) _goals[goal.Id] = goal;
            _version = snapshot.Version;
        }
    }

    private void Record(BoardUpdateMessage update)
    {
        lock (_gate)
        {
            _pushes.Add((DateTime.UtcNow, update.Version));
            if (_version is not { } shown || update.Version <= shown) return;
            if (!update.Whole && (update.BaseVersion != shown || update.Changes.Any(c => !_goals.ContainsKey(c.Id))))
            {
                _gaps++;
                _ = WatchAsync();
                return;
            }
            if (update.Whole) _goals.Clear();
            foreach (var id in update.RemovedGoals ?? []) _goals.Remove(id);
            foreach (var goal in update.Goals) _goals[goal.Id] = goal;
            foreach (var change in update.Changes) _goals[change.Id] = change.ApplyTo(_goals[change.Id]);
            _version = update.Version;
        }
    }

    public int PushCount
    {
        get { lock (_gate) return _pushes.Count; }
    }

    /// <summary>How many updates did not build on the version shown, so that the viewer watched the board again.</summary>
    public int Gaps
    {
        get { lock (_gate) return _gaps; }
    }

    /// <summary>The version of the board this viewer shows (its snapshot's, or the last update's it applied).</summary>
    public long? LatestVersion
    {
        get { lock (_gate) return _version; }
    }

    /// <summary>When the first push after <paramref name="moment"/> arrived, or null if none has.</summary>
    public DateTime? FirstPushAfter(DateTime moment)
    {
        lock (_gate) return _pushes.Where(p => p.At > moment).Select(p => (DateTime?)p.At).FirstOrDefault();
    }

    public double? Progress(string goalId) => Goal(goalId)?.Progress;

    /// <summary>The goal as this viewer shows it, or null when it is not on the board.</summary>
    public GoalView? Goal(string goalId)
    {
        lock (_gate) return _goals.GetValueOrDefault(goalId);
    }

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null) await _hub.DisposeAsync();
    }
}
