using System.Runtime.InteropServices;

namespace Orleans.Align.Driver;

/// <summary>
/// One token for every way a console program is asked to stop: Ctrl-C, SIGTERM (docker stop,
/// systemd, kill) and, where SIGTERM cannot be caught, process exit. The first request stops the
/// work gracefully so the totals still print; a second Ctrl-C ends the process at once.
/// </summary>
public sealed class ShutdownSignal : IDisposable
{
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(3);

    // Neither is disposed: they live as long as the process, and a handler may still fire while it exits.
    private readonly CancellationTokenSource _stopping = new();
    private readonly ManualResetEventSlim _finished = new();
    private readonly PosixSignalRegistration? _terminate;

    public ShutdownSignal()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        try
        {
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate);
        }
        catch (PlatformNotSupportedException)
        {
            // ProcessExit still cancels the token, with less time to finish.
        }
    }

    public CancellationToken Token => _stopping.Token;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_stopping.IsCancellationRequested) return;
        e.Cancel = true;
        Console.Error.WriteLine("Stopping... (Ctrl-C again to quit at once)");
        _stopping.Cancel();
    }

    private void OnTerminate(PosixSignalContext context)
    {
        context.Cancel = true;
        _stopping.Cancel();
    }

    /// <summary>The runtime is going down anyway: give the work a moment to finish what it is doing.</summary>
    private void OnProcessExit(object? sender, EventArgs e)
    {
        _stopping.Cancel();
        _finished.Wait(ExitGrace);
    }

    /// <summary>Call when the work has finished, so that process exit does not wait for it.</summary>
    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _terminate?.Dispose();
        _finished.Set();
    }
}
