using Xunit.Sdk;

namespace Orleans.Align.Tests.Cluster;

/// <summary>The waiting helper must still let a test fail: it retries assertions, it does not swallow them.</summary>
public sealed class EventuallyTests
{
    [Fact]
    public async Task Fails_with_the_last_assertion_failure_when_the_time_is_up()
    {
        var attempts = 0;

        var failure = await Assert.ThrowsAsync<EqualException>(() =>
            Eventually.Holds(() => Assert.Equal(-1, ++attempts), TimeSpan.FromMilliseconds(100)));

        Assert.True(attempts > 1, "The assertion was not retried.");
        Assert.Contains(attempts.ToString(), failure.Message);
    }

    [Fact]
    public async Task Returns_as_soon_as_the_assertions_hold()
    {
        var attempts = 0;

        await Eventually.Holds(() => Assert.True(++attempts >= 3));

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Does_not_retry_errors_that_are_not_assertion_failures()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Eventually.Holds(() =>
        {
            attempts++;
            throw new InvalidOperationException();
        }));

        Assert.Equal(1, attempts);
    }
}
