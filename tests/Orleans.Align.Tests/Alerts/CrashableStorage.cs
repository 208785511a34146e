using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orleans.Align.Tests.Alerts;

/// <summary>
/// Grain storage in memory that keeps what was written as bytes (a snapshot, not the live object),
/// and lets a test play a crash: writes of one grain can stop reaching the store after a given
/// write, as if the silo died right after it, and an older snapshot can be put back.
/// </summary>
public sealed class CrashableStorage(Serializer serializer) : IGrainStorage
{
    /// <summary>By grain and state name: a campaign or department keeps two states (definition and view).</summary>
    private readonly ConcurrentDictionary<(GrainId, string), byte[]> _stored = new();
    private readonly ConcurrentDictionary<GrainId, Func<object, bool>> _lastWrite = new();
    private readonly ConcurrentDictionary<GrainId, bool> _dead = new();

    /// <summary>From the first write that satisfies <paramref name="isLast"/> (it is stored), later writes of the grain are lost.</summary>
    public void DieAfterWrite(GrainId grain, Func<object, bool> isLast) => _lastWrite[grain] = isLast;

    /// <summary>The grain's writes reach the store again (a new activation, elsewhere).</summary>
    public void Revive(GrainId grain)
    {
        _lastWrite.TryRemove(grain, out _);
        _dead.TryRemove(grain, out _);
    }

    public T? Stored<T>(GrainId grain, string state = "goal") => _stored.TryGetValue((grain, state), out var bytes) ? serializer.Deserialize<T>(bytes) : default;

    public byte[]? Snapshot(GrainId grain, string state = "goal") => _stored.TryGetValue((grain, state), out var bytes) ? bytes : null;

    public void Restore(GrainId grain, byte[] snapshot, string state = "goal") => _stored[(grain, state)] = snapshot;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_stored.TryGetValue((grainId, stateName), out var bytes))
        {
            grainState.State = serializer.Deserialize<T>(bytes);
            grainState.RecordExists = true;
            grainState.ETag = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        grainState.RecordExists = true;
        if (_dead.ContainsKey(grainId)) return Task.CompletedTask;
        _stored[(grainId, stateName)] = serializer.SerializeToArray(grainState.State);
        if (_lastWrite.TryGetValue(grainId, out var isLast) && isLast(grainState.State!)) _dead[grainId] = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _stored.TryRemove((grainId, stateName), out _);
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
