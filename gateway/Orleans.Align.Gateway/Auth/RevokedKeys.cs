using System.Collections.Concurrent;

namespace Orleans.Align.Gateway.Auth;

/// <summary>
/// What this gateway knows of revocations: the keys revoked lately (so that a lookup that was already
/// in flight when the revocation arrived cannot put the key back in the cache) and when the
/// revocation feed was last read in full. Shared by <see cref="ApiKeyResolver"/>,
/// <see cref="KeyRevocationFeed"/> and the hub.
/// </summary>
public sealed class RevokedKeys(TimeProvider clock)
{
    /// <summary>Long past any lookup that could still be in flight.</summary>
    public static readonly TimeSpan Remember = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _recent = new(StringComparer.Ordinal);
    private long _syncedAtTicks = DateTimeOffset.MinValue.UtcTicks;

    public bool Contains(string keyHash) => _recent.ContainsKey(keyHash);

    public void Add(string keyHash) => _recent[keyHash] = clock.GetUtcNow();

    /// <summary>The feed was read completely as of <paramref name="readStartedAt"/>: everything revoked before that moment is known.</summary>
    public void MarkSynced(DateTimeOffset readStartedAt) => Interlocked.Exchange(ref _syncedAtTicks, readStartedAt.UtcTicks);

    public DateTimeOffset SyncedAt => new(Interlocked.Read(ref _syncedAtTicks), TimeSpan.Zero);

    public bool IsFresh(TimeSpan maxAge) => clock.GetUtcNow() - SyncedAt <= maxAge;

    public void Prune()
    {
        var cutoff = clock.GetUtcNow() - Remember;
        foreach (var (hash, at) in _recent)
        {
            if (at < cutoff) _recent.TryRemove(hash, out _);
        }
    }
}
