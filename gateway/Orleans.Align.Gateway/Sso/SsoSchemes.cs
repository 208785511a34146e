using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Sso;

/// <summary>
/// One OpenID Connect authentication scheme per organization with single sign-on (<c>sso:{org}</c>),
/// registered on this gateway the first time one of its people starts or completes an SSO sign-in. Each
/// start and each callback reads the organization's settings from the cluster (<see cref="RefreshAsync"/>):
/// when their version changed (an admin reconfigured it, on any gateway), the scheme's cached options are
/// dropped, so the next use builds them afresh from the new settings (<see cref="SsoOidcOptionsSetup"/>);
/// when single sign-on was turned off, the scheme goes.
/// </summary>
public sealed class SsoSchemes(IClusterClient cluster, IAuthenticationSchemeProvider schemes, IOptionsMonitorCache<OpenIdConnectOptions> optionsCache)
{
    private readonly ConcurrentDictionary<string, SsoSettings> _current = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changing = new(1, 1);

    /// <summary>The settings this gateway last read for the organization (what its scheme's options are built from).</summary>
    public SsoSettings? Current(string org) => _current.TryGetValue(org, out var settings) ? settings : null;

    /// <summary>Reads the organization's settings now and brings its scheme in line; null when it has no single sign-on.</summary>
    public async Task<SsoSettings?> RefreshAsync(string org)
    {
        var settings = await cluster.GetGrain<ISingleSignOnGrain>(org).GetAsync();
        var name = SsoRules.SchemeName(org);
        await _changing.WaitAsync();
        try
        {
            if (settings is null)
            {
                if (_current.TryRemove(org, out _))
                {
                    schemes.RemoveScheme(name);
                    optionsCache.TryRemove(name);
                }
                return null;
            }
            if (_current.TryGetValue(org, out var known) && known.Version > settings.Version)
                return known; // a concurrent refresh already brought a newer version
            if (known is null || known.Version != settings.Version)
            {
                _current[org] = settings;
                optionsCache.TryRemove(name);
            }
            if (await schemes.GetSchemeAsync(name) is null)
                schemes.AddScheme(new AuthenticationScheme(name, $"Single sign-on of {org}", typeof(OpenIdConnectHandler)));
            return settings;
        }
        finally
        {
            _changing.Release();
        }
    }
}

/// <summary>
/// The scheme provider, except that the organizations' SSO schemes are not offered to the authentication
/// middleware as request handlers: it would ask every one of them, on every request, whether the request is
/// its callback. The callback is routed to its one organization's scheme instead (<see cref="SsoHosting.UseAlignSso"/>).
/// </summary>
public sealed class AlignSchemeProvider(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
{
    public override async Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync() =>
        [.. (await base.GetRequestHandlerSchemesAsync()).Where(s => SsoRules.OrgOfScheme(s.Name) is null)];
}
