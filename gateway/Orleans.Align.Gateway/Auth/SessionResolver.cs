using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Hosting;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Auth;

/// <summary>
/// Decides whether a session cookie still stands, with the same rules as <see cref="ApiKeyResolver"/>
/// for keys: a session on the revocation feed is refused at once; a session the cluster confirmed is
/// trusted from the cache only while the feed is fresh; otherwise its membership grain is asked.
/// </summary>
public sealed class SessionResolver : IDisposable
{
    private readonly IClusterClient _cluster;
    private readonly RevokedKeys _revoked;
    private readonly ApiKeyOptions _options;
    private readonly TimeSpan _knownFor;
    private readonly MemoryCache _known;
    private readonly TimeProvider _clock;
    private int _generation;

    public SessionResolver(IClusterClient cluster, RevokedKeys revoked, IOptions<ApiKeyOptions> options, IOptions<GatewayOptions> gateway, TimeProvider clock)
    {
        _clock = clock;
        _cluster = cluster;
        _revoked = revoked;
        _options = options.Value;
        _knownFor = gateway.Value.KeyCacheDuration;
        _known = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.KnownKeyCacheSize });
    }

    /// <summary>
    /// The session with its membership as it is now, or null when the session is over (signed out,
    /// removed, past its lifetime) or the principal is not a session's. A cached copy is trusted until
    /// the feed says the session ended or changed, for at most <see cref="GatewayOptions.KeyCacheDuration"/>,
    /// and never past the session's end.
    /// </summary>
    public async ValueTask<OpenSession?> ResolveAsync(ClaimsPrincipal user)
    {
        if (Read(user) is not var (org, email, sessionId)) return null;
        var credential = SessionCredentials.For(sessionId);
        if (_revoked.Contains(credential)) return null;
        if (_known.TryGetValue(credential, out OpenSession? cached) && _revoked.IsFresh(_options.RevocationFeedMaxAge)
            && cached!.ExpiresAt > _clock.GetUtcNow()) return cached;
        return await ResolveNowAsync(org, email, sessionId);
    }

    /// <summary>Asks the cluster, whatever the cache says.</summary>
    public Task<OpenSession?> ResolveNowAsync(ClaimsPrincipal user) =>
        Read(user) is var (org, email, sessionId) ? ResolveNowAsync(org, email, sessionId) : Task.FromResult<OpenSession?>(null);

    private async Task<OpenSession?> ResolveNowAsync(string org, string email, string sessionId)
    {
        var credential = SessionCredentials.For(sessionId);
        var generation = Volatile.Read(ref _generation);
        var session = await _cluster.GetGrain<IMembershipGrain>(GrainKeys.For(org, email)).CheckSessionAsync(sessionId);
        if (session is null || _revoked.Contains(credential))
        {
            _known.Remove(credential);
            return null;
        }
        // Not cached when the feed said something about any session meanwhile: this answer may predate it.
        var cacheFor = session.ExpiresAt - _clock.GetUtcNow();
        if (cacheFor > _knownFor) cacheFor = _knownFor;
        if (generation == Volatile.Read(ref _generation) && cacheFor > TimeSpan.Zero)
            _known.Set(credential, session, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = cacheFor });
        return session;
    }

    /// <summary>
    /// Drops the session's cached copy (it ended, or its membership changed). Lookups already in flight
    /// do not cache what they find, so an answer read just before a change cannot outlive it here.
    /// </summary>
    public void Forget(string credential)
    {
        Interlocked.Increment(ref _generation);
        _known.Remove(credential);
    }

    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _known.Clear();
    }

    private static (string Org, string Email, string SessionId)? Read(ClaimsPrincipal user)
    {
        var org = user.FindFirstValue(AlignClaims.Org);
        var email = user.FindFirstValue(AlignClaims.Email);
        var sessionId = user.FindFirstValue(AlignClaims.SessionId);
        if (!Identifiers.IsValid(org) || !Emails.IsValid(email) || string.IsNullOrEmpty(sessionId)) return null;
        return (org!, email!, sessionId);
    }

    public void Dispose() => _known.Dispose();
}
