using Orleans.Align.Gateway.Live;

namespace Orleans.Align.Gateway.Auth;

public static class ApiKeyServices
{
    /// <summary>What API-key authentication needs besides the scheme: the resolver, its caches and the revocation feed.</summary>
    public static IServiceCollection AddApiKeyChecks(this IServiceCollection services)
    {
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section)
            .Validate(o => o.RevocationPollInterval >= TimeSpan.FromMilliseconds(20), "Align:Gateway:RevocationPollInterval must be at least 20 ms.")
            .Validate(o => o.RevocationFeedMaxAge > o.RevocationPollInterval, "Align:Gateway:RevocationFeedMaxAge must be longer than RevocationPollInterval.")
            .Validate(o => o.UnknownKeyCacheDuration >= TimeSpan.Zero && o.UnknownKeyCacheDuration <= TimeSpan.FromMinutes(1), "Align:Gateway:UnknownKeyCacheDuration must be from 0 to 1 minute.")
            .Validate(o => o.UnknownKeyCacheSize is >= 1 and <= 10_000_000, "Align:Gateway:UnknownKeyCacheSize must be between 1 and 10,000,000.")
            .Validate(o => o.KnownKeyCacheSize is >= 1 and <= 10_000_000, "Align:Gateway:KnownKeyCacheSize must be between 1 and 10,000,000.")
            .ValidateOnStart();
        services.AddSingleton<RevokedKeys>();
        services.AddSingleton<ApiKeyResolver>();
        services.AddSingleton<LiveConnections>();
        services.AddSingleton<KeyRevocationFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyRevocationFeed>());
        return services;
    }
}
