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
    private int _generation;

    public SessionResolver(IClusterClient cluster, RevokedKeys revoked, IOptions<ApiKeyOptions> options, IOptions<GatewayOptions> gateway)
    {
        _cluster = cluster;
        _revoked = revoked;
        _options = options.Value;
        _knownFor = gateway.Value.KeyCacheDuration;
        _known = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.KnownKeyCacheSize });
    }

    /// <summary>The session's membership, or null when the session is over (signed out, removed, expired) or the principal is not a session's.</summary>
    public async ValueTask<Membership?> ResolveAsync(ClaimsPrincipal user)
    {
        if (Read(user) is not var (org, email, sessionId)) return null;
        var credential = SessionCredentials.For(sessionId);
        if (_revoked.Contains(credential)) return null;
        if (_known.TryGetValue(credential, out Membership? cached) && _revoked.IsFresh(_options.RevocationFeedMaxAge)) return cached;
        return await ResolveNowAsync(org, email, sessionId);
    }

    /// <summary>Asks the cluster, whatever the cache says.</summary>
    public Task<Membership?> ResolveNowAsync(ClaimsPrincipal user) =>
        Read(user) is var (org, email, sessionId) ? ResolveNowAsync(org, email, sessionId) : Task.FromResult<Membership?>(null);

    private async Task<Membership?> ResolveNowAsync(string org, string email, string sessionId)
    {
        var credential = SessionCredentials.For(sessionId);
        var generation = Volatile.Read(ref _generation);
        var membership = await _cluster.GetGrain<IMembershipGrain>(GrainKeys.For(org, email)).ValidateSessionAsync(sessionId);
        if (membership is null || _revoked.Contains(credential))
        {
            _known.Remove(credential);
            return null;
        }
        if (generation == Volatile.Read(ref _generation))
            _known.Set(credential, membership, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _knownFor });
        return membership;
    }

    public void Forget(string credential) => _known.Remove(credential);

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
