using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Hosting;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Auth;

/// <summary>
/// Turns a presented key into its record, as cheaply as the key deserves: a malformed token is refused
/// without any call; a well-formed key the cluster recently did not know is refused from a small,
/// bounded negative cache; a known key comes from the cache while the revocation feed is fresh; the
/// rest is read from the cluster by <see cref="IApiKeyLookupGrain"/>, which activates no grain.
/// </summary>
public sealed class ApiKeyResolver : IDisposable
{
    private readonly IClusterClient _cluster;
    private readonly RevokedKeys _revoked;
    private readonly ApiKeyOptions _options;
    private readonly TimeSpan _knownFor;
    private readonly MemoryCache _known, _unknown;
    private int _generation;

    private readonly TimeProvider _clock;

    public ApiKeyResolver(IClusterClient cluster, RevokedKeys revoked, IOptions<ApiKeyOptions> options, IOptions<GatewayOptions> gateway, TimeProvider clock)
    {
        _cluster = cluster;
        _clock = clock;
        _revoked = revoked;
        _options = options.Value;
        _knownFor = gateway.Value.KeyCacheDuration;
        // Size-limited: when full, a cache refuses new entries (and compacts), so no caller can grow it.
        _known = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.KnownKeyCacheSize });
        _unknown = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.UnknownKeyCacheSize });
    }

    /// <summary>
    /// The key's (or board link's) record, or null when it is malformed, unknown, revoked or expired, or
    /// when its record is not of the kind its prefix says (a key's token never opens a link's record, nor
    /// the other way round).
    /// </summary>
    public async ValueTask<ApiKeyRecord?> ResolveAsync(string key)
    {
        var isLink = BoardLinks.IsWellFormed(key);
        if (!isLink && !ApiKeys.IsWellFormed(key)) return null;
        var hash = ApiKeys.Hash(key);
        if (_revoked.Contains(hash)) return null;
        ApiKeyRecord? record;
        if (_known.TryGetValue(hash, out ApiKeyRecord? cached) && _revoked.IsFresh(_options.RevocationFeedMaxAge)) record = cached;
        else if (_unknown.TryGetValue(hash, out _)) return null;
        else record = await ResolveNowAsync(hash);
        if (record is null || record.IsBoardLink != isLink || record.IsExpiredAt(_clock.GetUtcNow())) return null;
        return record;
    }

    /// <summary>Asks the cluster, whatever the caches say, and caches the answer.</summary>
    public async Task<ApiKeyRecord?> ResolveNowAsync(string keyHash)
    {
        var generation = Volatile.Read(ref _generation);
        var record = await _cluster.GetGrain<IApiKeyLookupGrain>(0).FindAsync(keyHash);
        if (record is not null && record.IsExpiredAt(_clock.GetUtcNow())) record = null; // an expired link is no better than a revoked one
        // A revocation that arrived while the lookup was in flight wins over what the lookup read.
        if (record is null || _revoked.Contains(keyHash))
        {
            _known.Remove(keyHash);
            _unknown.Set(keyHash, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _options.UnknownKeyCacheDuration });
            return null;
        }
        // Not cached if the cache was cleared meanwhile: the lookup may predate a revocation the feed could not name.
        if (generation == Volatile.Read(ref _generation))
            _known.Set(keyHash, record, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _knownFor });
        return record;
    }

    /// <summary>The key was revoked: it is no longer trusted from the cache.</summary>
    public void Forget(string keyHash) => _known.Remove(keyHash);

    /// <summary>The feed cannot say what was revoked: trust no cached key until it is looked up again.</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _known.Clear();
    }

    public void Dispose()
    {
        _known.Dispose();
        _unknown.Dispose();
    }
}
