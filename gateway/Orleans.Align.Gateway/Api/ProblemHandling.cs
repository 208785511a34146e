using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;

namespace Orleans.Align.Gateway.Api;

/// <summary>
/// Turns every failure into an RFC 9457 problem document: refused commands and bad bodies into a 4xx,
/// an unreachable cluster or store into 503 with Retry-After. A 500 here is a bug, logged as one.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Classify(exception);
        if (status >= 500 && status != StatusCodes.Status503ServiceUnavailable)
            logger.LogError(exception, "Unhandled failure on {Method} {Path}", context.Request.Method, context.Request.Path);
        else if (status == StatusCodes.Status503ServiceUnavailable)
            logger.LogWarning(exception, "Service unavailable on {Method} {Path}", context.Request.Method, context.Request.Path);

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
            context.Response.Headers.RetryAfter = (RetryAfterOf(exception) ?? 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    internal static (int Status, string Title, string Detail) Classify(Exception exception) => exception switch
    {
        AlignException { Kind: AlignErrorKind.NotFound } e => (404, "Not found", e.Message),
        AlignException { Kind: AlignErrorKind.Conflict } e => (409, "Conflict", e.Message),
        AlignException { Kind: AlignErrorKind.Invalid } e => (400, "Invalid request", e.Message),
        AlignException { Kind: AlignErrorKind.Unavailable } e => (503, "Temporarily unavailable", e.Message),
        BadHttpRequestException { StatusCode: 413 } => (413, "Request too large", "The request body is larger than this endpoint accepts."),
        BadHttpRequestException e => (e.StatusCode, "Malformed request", Describe(e)),
        JsonException e => (400, "Malformed JSON", Describe(e)),
        SiloUnavailableException or OrleansMessageRejectionException or ClientNotAvailableException or TimeoutException =>
            (503, "Temporarily unavailable", "The cluster did not answer in time; nothing was changed unless a later read shows it. Retry later."),
        OperationCanceledException => (503, "Temporarily unavailable", "The request was cancelled before it completed. Retry later."),
        _ when IsInfrastructureFailure(exception) =>
            (503, "Temporarily unavailable", "Storage or the cluster failed to answer; nothing was acknowledged. Retry later."),
        _ => (500, "Internal error", "An unexpected error occurred. It has been logged."),
    };

    /// <summary>
    /// Storage and network failures inside the silo reach the gateway as types it does not reference
    /// (Orleans hands those over as <c>UnavailableExceptionFallbackException</c>) or as transport
    /// exceptions. Domain refusals always travel as <see cref="AlignException"/>, so these are transient.
    /// </summary>
    private static bool IsInfrastructureFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // OrleansException covers the runtime's transport failures (ConnectionFailedException and kin).
            if (e is OrleansException or System.Net.Http.HttpRequestException or System.Net.Sockets.SocketException or IOException) return true;
            if (e.GetType().FullName is "Orleans.Serialization.UnavailableExceptionFallbackException" or "Azure.RequestFailedException") return true;
        }
        return false;
    }

    /// <summary>A grain that knows when a retry can succeed (a warming index) says so; otherwise the default.</summary>
    private static int? RetryAfterOf(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is AlignException { RetryAfterSeconds: { } seconds }) return seconds;
        return null;
    }

    // The JSON reader's message says where the body is wrong; the outer message only names the parameter.
    private static string Describe(BadHttpRequestException e) =>
        e.InnerException is JsonException json ? Describe(json) : e.Message;

    /// <summary>
    /// What is wrong with the body, in the caller's terms: the serializer's own messages name .NET types
    /// (<c>...could not be mapped to any .NET member contained in type 'Orleans.Align.Gateway.Api.EventRequest'</c>),
    /// which say nothing to a caller and show our internals. An unknown field is named with its path; a value of the
    /// wrong type by its path; anything else keeps the reader's message (line and position, no types).
    /// </summary>
    internal static string Describe(JsonException json)
    {
        var path = InputLimits.Echo(string.IsNullOrEmpty(json.Path) ? "$" : json.Path);
        var unknown = UnknownField().Match(json.Message);
        if (unknown.Success)
            return $"The request body has a field this endpoint does not know: {InputLimits.Echo(unknown.Groups[1].Value)} (at {path}). Unknown fields are refused, not ignored: check its spelling.";
        if (json.Message.Contains("could not be converted to", StringComparison.Ordinal))
            return $"The request body is not valid JSON for this endpoint: the value at {path} has the wrong type for that field.";
        return json.Message.Contains(".NET", StringComparison.Ordinal) || json.Message.Contains("System.", StringComparison.Ordinal) || json.Message.Contains("Orleans.", StringComparison.Ordinal)
            ? $"The request body is not valid JSON for this endpoint at {path}."
            : $"The request body is not valid JSON for this endpoint: {json.Message}";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^The JSON property '(.*)' could not be mapped to any \.NET member")]
    private static partial System.Text.RegularExpressions.Regex UnknownField();
}
