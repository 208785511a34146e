using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Hosting;

namespace Orleans.Align.Gateway.Auth;

/// <summary>The platform operator's credential: the platform admin key as a bearer token or in X-Api-Key.</summary>
public static class PlatformOperator
{
    public static string PresentedKey(HttpContext http)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        return auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : http.Request.Headers["X-Api-Key"].ToString();
    }

    public static bool Presents(HttpContext http)
    {
        var presented = PresentedKey(http);
        var configured = http.RequestServices.GetRequiredService<IOptions<PlatformOptions>>().Value.PlatformAdminKey;
        return !string.IsNullOrEmpty(presented) && configured.Length > 0 && ApiKeys.FixedTimeEquals(presented, configured);
    }
}
