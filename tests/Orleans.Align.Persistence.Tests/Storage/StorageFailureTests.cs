using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure;
using Orleans.Runtime;

namespace Orleans.Align.Persistence.Tests.Storage;

/// <summary>
/// A storage account that is down must fail grain calls with an exception in bounded time, never
/// hold them forever. No Azurite here: the "accounts" are a closed port and a socket that never answers.
/// </summary>
public sealed class StorageFailureTests
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Longer than any bounded retry below can take; reaching it means the call hung.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task A_refused_connection_fails_the_read_after_the_default_retries()
    {
        var port = ClosedPort();
        await using var store = StorageUnderTest.Create(ConnectionStringFor(port), "refused");

        var (exception, elapsed) = await FailureOf(() =>
            store.Storage.ReadStateAsync("counter", GrainId.Create("test", "org/item"), new GrainState<Counter>()));

        // The SDK gives up after the first try and the default 3 retries, with every try's failure inside.
        var retries = Assert.IsType<AggregateException>(exception);
        Assert.Equal(4, retries.InnerExceptions.Count);
        Assert.All(retries.InnerExceptions, attempt =>
            Assert.Contains("Connection refused", Assert.IsType<RequestFailedException>(attempt).Message, StringComparison.OrdinalIgnoreCase));
        // Back-off of 0.8 s, 1.6 s and 3.2 s (±20 % jitter) between them.
        Assert.InRange(elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_storage_account_that_never_answers_fails_the_write_after_the_network_timeout()
    {
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start(backlog: 16); // accepts connections in the kernel, never reads or answers
        var port = ((IPEndPoint)blackHole.LocalEndpoint).Port;
        await using var store = StorageUnderTest.Create(ConnectionStringFor(port), "silent", options =>
        {
            options.MaxRetries = 1;
            options.RetryDelay = TimeSpan.FromMilliseconds(100);
            options.NetworkTimeout = TimeSpan.FromSeconds(1);
        });

        var (exception, elapsed) = await FailureOf(() =>
            store.Storage.WriteStateAsync("counter", GrainId.Create("test", "org/item"), new GrainState<Counter>(new Counter())));

        var retries = Assert.IsType<AggregateException>(exception);
        Assert.Equal(2, retries.InnerExceptions.Count);
        Assert.All(retries.InnerExceptions, attempt => Assert.IsAssignableFrom<OperationCanceledException>(attempt));
        // Two attempts of one second each, and the back-off between them.
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(10));
    }

    private static async Task<(Exception Exception, TimeSpan Elapsed)> FailureOf(Func<Task> operation)
    {
        var stopwatch = Stopwatch.StartNew();
        var call = operation();
        var finished = await Task.WhenAny(call, Task.Delay(HangLimit));
        Assert.True(finished == call, $"The storage call was still running after {HangLimit.TotalSeconds} s.");
        var exception = await Record.ExceptionAsync(() => call);
        Assert.NotNull(exception);
        return (exception, stopwatch.Elapsed);
    }

    private static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
