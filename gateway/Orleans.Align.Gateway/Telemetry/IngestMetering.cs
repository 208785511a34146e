using System.Diagnostics;

namespace Orleans.Align.Gateway.Telemetry;

/// <summary>
/// Times every ingest request from its arrival (first in the pipeline, before authentication, rate
/// limits and the exception handler) to its answer, and counts refusals by the status they got: the
/// status is the one honest classifier, whichever part of the pipeline refused.
/// </summary>
public static class IngestMetering
{
    public const string IngestPath = "/api/v1/events";

    public static WebApplication UseIngestMetering(this WebApplication app)
    {
        app.Use(InvokeAsync);
        return app;
    }

    public static async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.Path.Equals(IngestPath, StringComparison.OrdinalIgnoreCase))
        {
            await next(http);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await next(http);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            Record(http, failed ? StatusCodes.Status500InternalServerError : http.Response.StatusCode, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>What the ingest endpoint answered for an acknowledged batch.</summary>
    public static void CountEvents(HttpContext http, int accepted, int duplicates, int conflicts)
    {
        var tier = new KeyValuePair<string, object?>(GatewayMetrics.TierTag, OrganizationTier.Of(http));
        if (accepted > 0) GatewayMetrics.IngestEvents.Add(accepted, tier, new(GatewayMetrics.OutcomeTag, "accepted"));
        if (duplicates > 0) GatewayMetrics.IngestEvents.Add(duplicates, tier, new(GatewayMetrics.OutcomeTag, "duplicate"));
        if (conflicts > 0) GatewayMetrics.IngestEvents.Add(conflicts, tier, new(GatewayMetrics.OutcomeTag, "conflict"));
    }

    public static string OutcomeOf(int status) => status switch
    {
        >= 200 and < 300 => "acknowledged",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        >= 400 and < 500 => "refused",
        _ => "error",
    };

    /// <summary>A refusal's class: a few words, never the problem's text.</summary>
    public static string? ReasonOf(int status) => status switch
    {
        < 400 => null,
        StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType => "invalid",
        StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => "unauthorized",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "too_large",
        StatusCodes.Status422UnprocessableEntity => "correction",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        _ => "other",
    };

    private static void Record(HttpContext http, int status, TimeSpan elapsed)
    {
        GatewayMetrics.IngestDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>(GatewayMetrics.OutcomeTag, OutcomeOf(status)));
        if (ReasonOf(status) is { } reason)
            GatewayMetrics.IngestRefusals.Add(1, new(GatewayMetrics.TierTag, OrganizationTier.Of(http)), new(GatewayMetrics.ReasonTag, reason));
    }
}
