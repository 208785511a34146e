using Microsoft.Extensions.Options;

namespace Orleans.Align.Grains.People;

[GenerateSerializer, Alias("align.membership-state")]
public sealed class MembershipState
{
    [Id(0)] public Membership? Membership { get; set; }
    /// <summary>Open sessions by id, with when each started.</summary>
    [Id(1)] public Dictionary<string, DateTimeOffset> Sessions { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Sessions ended but not yet announced on the revocation feed: a retry announces them.</summary>
    [Id(2)] public List<string> Unannounced { get; set; } = [];
    /// <summary>Sessions whose membership changed but whose change is not yet announced on the revocation feed: a retry announces them.</summary>
    [Id(3)] public List<string> ChangesUnannounced { get; set; } = [];
}

/// <summary>
/// One person's membership of one organization and its sessions (<see cref="IMembershipGrain"/>). The
/// gateways trust a session only while this grain says it is open, or while their copy is younger
/// than the revocation feed they read; ending a session (sign-out, removal) is stored first and
/// announced second, as a key's revocation is.
/// </summary>
public sealed class MembershipGrain(
    [PersistentState("membership", StorageNames.Align)] IPersistentState<MembershipState> state,
    IOptions<AccountOptions> options,
    TimeProvider clock) : Grain, IMembershipGrain
{
    public async Task GrantAsync(Membership membership)
    {
        if (state.State.Membership is not null) throw AlignException.Conflict($"{membership.Email} is already a member of this organization.");
        state.State.Membership = membership with { Departments = [.. membership.Departments] };
        state.State.Sessions.Clear();
        await state.WriteStateAsync();
    }

    public Task<Membership?> GetAsync() => Task.FromResult(state.State.Membership);

    public async Task RevokeAsync()
    {
        var s = state.State;
        if (s.Membership is not null || s.Sessions.Count > 0)
        {
            s.Unannounced.AddRange(s.Sessions.Keys);
            s.Sessions.Clear();
            // An ended session needs no change announced: the end says more.
            s.ChangesUnannounced?.Clear();
            s.Membership = null;
            await state.WriteStateAsync();
        }
        await AnnounceAsync();
    }

    public async Task<Membership?> ChangeAsync(string role, IReadOnlyList<string> departments)
    {
        var s = state.State;
        if (s.Membership is null) return null;
        var changed = s.Membership with { Role = role, Departments = [.. departments] };
        if (changed.Role != s.Membership.Role || !changed.Departments.SequenceEqual(s.Membership.Departments, StringComparer.Ordinal))
        {
            DropExpired();
            var (membership, unannounced) = (s.Membership, s.ChangesUnannounced.ToList());
            s.Membership = changed;
            foreach (var id in s.Sessions.Keys) if (!s.ChangesUnannounced.Contains(id)) s.ChangesUnannounced.Add(id);
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                // Not stored, so not in force: session checks (which interleave) must not see it either.
                (s.Membership, s.ChangesUnannounced) = (membership, unannounced);
                throw;
            }
        }
        await AnnounceAsync();
        return s.Membership;
    }

    /// <summary>Forgets sessions past their lifetime: no gateway trusts them (each knows when they end), so nothing needs announcing.</summary>
    private void DropExpired()
    {
        var now = clock.GetUtcNow();
        foreach (var (id, started) in state.State.Sessions.ToList())
        {
            if (started + options.Value.SessionLifetime <= now) state.State.Sessions.Remove(id);
        }
    }

    public async Task<Membership?> StartSessionAsync(string sessionId)
    {
        var s = state.State;
        if (s.Membership is null) return null;
        var now = clock.GetUtcNow();
        DropExpired();
        while (s.Sessions.Count >= options.Value.MaxSessionsPerMembership)
        {
            var oldest = s.Sessions.MinBy(p => p.Value).Key;
            s.Sessions.Remove(oldest);
            s.Unannounced.Add(oldest);
        }
        s.Sessions[sessionId] = now;
        await state.WriteStateAsync();
        await AnnounceAsync();
        return s.Membership;
    }

    public Task<Membership?> ValidateSessionAsync(string sessionId)
    {
        var s = state.State;
        var open = s.Membership is not null && s.Sessions.TryGetValue(sessionId, out var started)
            && started + options.Value.SessionLifetime > clock.GetUtcNow();
        return Task.FromResult(open ? s.Membership : null);
    }

    public Task<OpenSession?> CheckSessionAsync(string sessionId)
    {
        var s = state.State;
        OpenSession? open = null;
        if (s.Membership is not null && s.Sessions.TryGetValue(sessionId, out var started)
            && started + options.Value.SessionLifetime is var expiresAt && expiresAt > clock.GetUtcNow())
            open = new OpenSession(s.Membership, expiresAt);
        return Task.FromResult(open);
    }

    public async Task EndSessionAsync(string sessionId)
    {
        var s = state.State;
        if (s.Sessions.Remove(sessionId))
        {
            s.Unannounced.Add(sessionId);
            await state.WriteStateAsync();
        }
        await AnnounceAsync();
    }

    /// <summary>Tells every gateway, through the revocation feed, about each ended or changed session; forgets each once told.</summary>
    private async Task AnnounceAsync()
    {
        var s = state.State;
        s.ChangesUnannounced ??= [];
        if (s.Unannounced.Count == 0 && s.ChangesUnannounced.Count == 0) return;
        var (orgId, email) = GrainKeys.Parse(this.GetPrimaryKeyString());
        var feed = GrainFactory.GetGrain<IKeyRevocationsGrain>(0);
        foreach (var sessionId in s.Unannounced.ToList())
        {
            await feed.PublishAsync(SessionCredentials.For(sessionId), orgId, email);
            s.Unannounced.Remove(sessionId);
        }
        foreach (var sessionId in s.ChangesUnannounced.ToList())
        {
            await feed.PublishAsync(SessionCredentials.Changed(sessionId), orgId, email);
            s.ChangesUnannounced.Remove(sessionId);
        }
        await state.WriteStateAsync();
    }
}
