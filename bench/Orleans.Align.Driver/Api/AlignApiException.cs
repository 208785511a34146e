using System.Net;

namespace Orleans.Align.Driver.Api;

/// <summary>
/// The gateway answered with an error status. Carries the problem document when the gateway sent one,
/// so callers can branch on the status (409: already there) and people can read the detail.
/// </summary>
public sealed class AlignApiException(HttpMethod method, string path, HttpStatusCode status, ProblemDocument? problem, string? body, TimeSpan? retryAfter)
    : Exception(Describe(method, path, status, problem, body))
{
    public HttpStatusCode Status { get; } = status;

    public ProblemDocument? Problem { get; } = problem;

    /// <summary>How long the gateway asked us to wait (its 503s say 2 s), if it said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool IsConflict => Status == HttpStatusCode.Conflict;

    public bool IsUnauthorized => Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    /// <summary>
    /// The gateway sends 503 when the cluster or its store does not answer, promising that nothing
    /// changed; proxies in front of it say the same with 502 and 504, and 429 asks to slow down.
    /// </summary>
    public bool IsTransient => Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway
        or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests;

    private static string Describe(HttpMethod method, string path, HttpStatusCode status, ProblemDocument? problem, string? body)
    {
        var what = $"{method} /{path} answered {(int)status} {problem?.Title ?? status.ToString()}";
        if (problem is null) return string.IsNullOrWhiteSpace(body) ? what + "." : $"{what}: {Shorten(body)}";

        var text = problem.Detail is { Length: > 0 } detail ? $"{what}: {detail}" : what + ".";
        if (problem.Errors is { Count: > 0 } errors)
            text += " " + string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(" ", e.Value)}"));
        return text;
    }

    private static string Shorten(string body) => body.Length <= 200 ? body.Trim() : body[..200].Trim() + "...";
}
