namespace Orleans.Align.Driver.Api;

/// <summary>
/// Repeats a call while the gateway is unreachable or says it is temporarily unavailable, with
/// exponential backoff and jitter. Repeating is safe with this API: ingest dedupes by event id, and
/// a create that did land the first time answers 409 the second.
/// </summary>
public sealed class TransientRetry(TimeSpan firstDelay, TimeSpan maxDelay, TimeSpan? giveUpAfter = null)
{
    /// <summary>Called before each wait: what failed, how long until the next attempt, and which attempt failed.</summary>
    public delegate void RetryNotice(Exception failure, TimeSpan delay, int attempt);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, RetryNotice? onRetry, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                var delay = DelayBefore(attempt + 1, (ex as AlignApiException)?.RetryAfter);
                if (giveUpAfter is { } limit && DateTimeOffset.UtcNow + delay - started > limit) throw;
                onRetry?.Invoke(ex, delay, attempt);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    public static bool IsTransient(Exception failure, CancellationToken cancellationToken) => failure switch
    {
        AlignApiException api => api.IsTransient,
        // Connection refused or reset, or the name does not resolve yet (a container still starting).
        HttpRequestException => true,
        // HttpClient.Timeout surfaces as a cancellation that is not ours.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>A short reason for a log line: "503 Temporarily unavailable", "Connection refused (127.0.0.1:5080)".</summary>
    public static string Describe(Exception failure) => failure switch
    {
        AlignApiException api => $"{(int)api.Status} {api.Problem?.Title ?? api.Status.ToString()}",
        HttpRequestException http => http.InnerException?.Message ?? http.Message,
        OperationCanceledException => "the request timed out",
        _ => failure.Message,
    };

    private TimeSpan DelayBefore(int attempt, TimeSpan? retryAfter)
    {
        var exponential = firstDelay * Math.Pow(2, Math.Min(attempt - 2, 16));
        var capped = exponential < maxDelay ? exponential : maxDelay;
        // Jitter keeps many clients that failed together from retrying together.
        var jittered = capped * (0.8 + Random.Shared.NextDouble() * 0.4);
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }
}
