using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orleans.Align.Persistence.Tests.Azurite;

/// <summary>
/// A real Azurite (blob and table services; the queue service too, as the <c>azurite</c> binary always
/// starts it) for the whole test run, on free loopback ports with its data in a temporary folder that
/// is deleted afterwards. Azurite is the npm package pinned in <c>silo/storage-emulator</c>; <c>npm ci</c>
/// there installs it.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account: public, and valid only against the emulator.</summary>
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly StringBuilder _output = new();
    private Process? _process;
    private DirectoryInfo? _dataDirectory;

    /// <summary>The loopback port the blob service listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The loopback port the table service listens on (membership and reminders).</summary>
    public int TablePort { get; private set; }

    private int QueuePort { get; set; }

    /// <summary>A connection string for the development account on this server, blob and table endpoints.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{Port}/{AccountName};TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>The command line the fixture ran, for failure messages and the curious.</summary>
    public string CommandLine { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var emulator = Path.Combine(FindRepositoryRoot(), "silo", "storage-emulator");
        var azurite = Path.Combine(emulator, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed: {azurite} is missing. Run `npm ci` in silo/storage-emulator " +
                "(the repository's test command does this) and run the tests again.");
        }

        _dataDirectory = Directory.CreateTempSubdirectory("align-azurite-");

        // Free ports are found by binding port 0 and letting it go, so another process may take one
        // in between: Azurite then exits at once and other ports are tried.
        for (var attempt = 1; ; attempt++)
        {
            (Port, TablePort, QueuePort) = (FindFreePort(), FindFreePort(), FindFreePort());
            Start(azurite, emulator);
            if (await WaitUntilListeningAsync(Port) && await WaitUntilListeningAsync(TablePort)) return;

            await StopAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException(
                    $"Azurite did not start listening on 127.0.0.1:{Port} (blob) and :{TablePort} (table) within {StartTimeout.TotalSeconds} s.\n" +
                    $"Command: {CommandLine}\nOutput:\n{Output}");
            }
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            _dataDirectory?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; a failed run because of it is not.
        }
    }

    private string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    private void Start(string azurite, string workingDirectory)
    {
        var start = new ProcessStartInfo(azurite)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--blobHost", "127.0.0.1",
                     "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tableHost", "127.0.0.1",
                     "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queueHost", "127.0.0.1",
                     "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", _dataDirectory!.FullName,
                     "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        CommandLine = $"{azurite} {string.Join(' ', start.ArgumentList)}";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task<bool> WaitUntilListeningAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process!.HasExited) return false;
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        return false;
    }

    private async Task StopAsync()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or will be reaped with the test host.
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    // Below the kernel's ephemeral range (see LoopbackPorts).
    private static int FindFreePort() => Orleans.Align.Testing.LoopbackPorts.Free();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.Align.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException($"No Orleans.Align.sln above {AppContext.BaseDirectory}: cannot find silo/storage-emulator.");
    }
}

/// <summary>Every test that needs Azurite shares the one server (it takes a few seconds to start).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
