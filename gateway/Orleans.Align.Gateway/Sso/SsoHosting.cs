using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Orleans.Align.Gateway.Sso;

/// <summary>
/// Wires per-organization OpenID Connect into the gateway: ASP.NET Core's OpenID Connect handler does the
/// protocol; what is ours is which scheme serves which organization (<see cref="SsoSchemes"/>), its options
/// (<see cref="SsoOidcOptionsSetup"/>), routing a callback to its scheme, and what a successful answer
/// becomes (<see cref="SsoSignIn"/>).
/// </summary>
public static class SsoHosting
{
    public static IServiceCollection AddAlignSso(this IServiceCollection services)
    {
        services.AddOptions<SsoOptions>().BindConfiguration(SsoOptions.Section)
            .Validate(o => o.ProviderTimeout >= TimeSpan.FromSeconds(1) && o.ProviderTimeout <= TimeSpan.FromMinutes(1), "Align:Sso:ProviderTimeout must be between 1 second and 1 minute.")
            .ValidateOnStart();
        services.AddSingleton<SsoBackchannel>();
        services.AddSingleton<SsoSchemes>();
        // After AddAuthentication (which only tries to add its own): organizations' schemes are routed, not polled.
        services.AddSingleton<IAuthenticationSchemeProvider, AlignSchemeProvider>();
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, SsoOidcOptionsSetup>();
        // What AddOpenIdConnect would register, for schemes added at run time.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        return services;
    }

    /// <summary>
    /// Before authentication: a request to <c>/api/v1/sso/{org}/callback</c> goes to that organization's
    /// scheme, brought up to date with its settings first (this gateway may not have started the sign-in,
    /// and an admin may have changed the settings since).
    /// </summary>
    public static IApplicationBuilder UseAlignSso(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (CallbackOrg(http.Request.Path) is not { } org || !HttpMethods.IsGet(http.Request.Method))
        {
            await next(http);
            return;
        }
        bool handled;
        try
        {
            handled = await http.RequestServices.GetRequiredService<SsoSchemes>().RefreshAsync(org) is not null
                && await http.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>().GetHandlerAsync(http, SsoRules.SchemeName(org)) is IAuthenticationRequestHandler handler
                && await handler.HandleRequestAsync();
        }
        catch (Exception ex) when (!http.Response.HasStarted && ex is not OperationCanceledException)
        {
            // The cluster did not answer, or the scheme's options could not be built (a secret sealed with a key
            // this gateway no longer has): a browser in mid-sign-in goes back to the sign-in page, not to a 500.
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SsoHosting)).LogError(ex, "SSO callback of {Org} failed", org);
            http.Response.Redirect(SsoRules.ErrorLocation(org, SsoErrors.ProviderError));
            return;
        }
        if (!handled) await next(http);
    });

    /// <summary>The organization of a callback path, or null when the path is not one.</summary>
    public static string? CallbackOrg(PathString path)
    {
        if (!path.StartsWithSegments("/api/v1/sso", StringComparison.Ordinal, out var rest) || !rest.HasValue) return null;
        var parts = rest.Value!.Split('/');
        return parts is ["", var org, "callback"] && Identifiers.IsValid(org) ? org : null;
    }
}
