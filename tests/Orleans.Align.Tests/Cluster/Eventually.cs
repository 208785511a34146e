using Xunit.Sdk;

namespace Orleans.Align.Tests.Cluster;

/// <summary>
/// Goals and boards move after the ingest acknowledgement, so a test waits for the state it
/// expects instead of sleeping. The assertions run until they pass or the time is up; then the last
/// failure is the test's failure.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static async Task Holds(Func<Task> assertions, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            try
            {
                await assertions();
                return;
            }
            catch (XunitException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(PollInterval);
            }
        }
    }

    public static Task Holds(Action assertions, TimeSpan? timeout = null) =>
        Holds(() =>
        {
            assertions();
            return Task.CompletedTask;
        }, timeout);
}
