using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orleans.Align.Hosting;

/// <summary>
/// The body of /health/ready on the silo and the gateway (this file is compiled into both): the overall
/// status and each check's status word for anyone (a load balancer, a probe); the descriptions and
/// exception messages, which name organizations, hosts and storage errors, only for the platform operator.
/// </summary>
public static class HealthResponses
{
    public static Task WriteAsync(HttpContext http, HealthReport report, bool detailed)
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        var lines = report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => detailed
            ? $"{e.Key}: {e.Value.Status}: {e.Value.Description}{(e.Value.Exception is { } ex ? $" ({ex.GetType().Name}: {ex.Message})" : "")}"
            : $"{e.Key}: {e.Value.Status}");
        return http.Response.WriteAsync($"{report.Status}\n{string.Join("\n", lines)}\n");
    }
}
