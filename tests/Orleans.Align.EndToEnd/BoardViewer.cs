using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Orleans.Align.EndToEnd;

/// <summary>A browser's view of one board over SignalR on one gateway: every push, when it arrived, and the latest values.</summary>
public sealed class BoardViewer(Uri gateway, string key, string boardId) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<(DateTime At, long Version)> _pushes = [];
    private readonly Dictionary<string, double> _progress = new(StringComparer.Ordinal);
    private HubConnection? _hub;

    public Uri Gateway { get; } = gateway;

    public async Task StartAsync()
    {
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(Gateway, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(key))
            .Build();
        _hub.On<JsonElement>("boardUpdate", Record);
        await _hub.StartAsync();
        var snapshot = await _hub.InvokeAsync<JsonElement>("WatchBoard", boardId);
        lock (_gate) Take(snapshot);
    }

    private void Record(JsonElement update)
    {
        lock (_gate)
        {
            _pushes.Add((DateTime.UtcNow, update.GetProperty("version").GetInt64()));
            Take(update);
        }
    }

    private void Take(JsonElement message)
    {
        if (message.TryGetProperty("removedGoals", out var removed) && removed.ValueKind == JsonValueKind.Array)
        {
            foreach (var id in removed.EnumerateArray()) _progress.Remove(id.GetString()!);
        }
        foreach (var goal in message.GetProperty("goals").EnumerateArray())
            _progress[goal.GetProperty("id").GetString()!] = goal.GetProperty("progress").GetDouble();
    }

    public int PushCount
    {
        get { lock (_gate) return _pushes.Count; }
    }

    public long? LatestVersion
    {
        get { lock (_gate) return _pushes.Count == 0 ? null : _pushes[^1].Version; }
    }

    /// <summary>When the first push after <paramref name="moment"/> arrived, or null if none has.</summary>
    public DateTime? FirstPushAfter(DateTime moment)
    {
        lock (_gate) return _pushes.Where(p => p.At > moment).Select(p => (DateTime?)p.At).FirstOrDefault();
    }

    public double? Progress(string goalId)
    {
        lock (_gate) return _progress.TryGetValue(goalId, out var p) ? p : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null) await _hub.DisposeAsync();
    }
}
