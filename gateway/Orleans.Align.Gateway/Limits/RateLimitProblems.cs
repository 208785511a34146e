using System.Globalization;
using Orleans.Align.Gateway.Telemetry;

namespace Orleans.Align.Gateway.Limits;

/// <summary>429 as the rest of the API answers problems: an RFC 9457 document, with Retry-After in whole seconds.</summary>
public static class RateLimitProblems
{
    public const string Title = "Too many requests";

    public static string RetryAfterSeconds(TimeSpan retryAfter) =>
        Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <param name="limiter">The bucket's scope (<see cref="Bucket.Scope"/>) and <paramref name="limit"/> what it counts, for the refusal counter.</param>
    public static IResult TooManyRequests(HttpContext http, TimeSpan retryAfter, string detail, string limiter, string limit)
    {
        GatewayMetrics.RateLimitRefusals.Add(1, new(GatewayMetrics.LimiterTag, limiter), new(GatewayMetrics.LimitTag, limit),
            new(GatewayMetrics.TierTag, OrganizationTier.Of(http)));
        http.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: Title,
            detail: $"{detail} Nothing of this request was done; retry after the time in Retry-After.");
    }

    /// <summary>The rate limiting middleware's rejection: it has set the status already.</summary>
    public static async ValueTask WriteAsync(HttpContext http, TimeSpan retryAfter, string detail, string limiter, string limit)
    {
        var result = TooManyRequests(http, retryAfter, detail, limiter, limit);
        await result.ExecuteAsync(http);
    }
}
