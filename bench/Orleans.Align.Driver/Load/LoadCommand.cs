using Orleans.Align.Driver.Api;

namespace Orleans.Align.Driver.Load;

/// <summary>Sets up fresh organizations, loads the gateway, checks the goals and reports.</summary>
public static class LoadCommand
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(LoadOptions options, CancellationToken stopping)
    {
        var output = Console.Out;
        // One client, one pool: a connection per load client, kept for the whole run.
        using var http = AlignApiClient.CreateHttpClient(options.Gateway, RequestTimeout, maxConnections: options.Clients);

        var startedAt = DateTimeOffset.UtcNow;
        IReadOnlyList<LoadTenant> tenants;
        try
        {
            tenants = await new LoadSetup(http, options, output).RunAsync(startedAt, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Console.Error.WriteLine("Stopped before the load started.");
            return ExitCodes.Interrupted;
        }

        var figures = await new LoadRun(options, tenants, output).RunAsync(startedAt, stopping);

        // Also after Ctrl-C: what was acknowledged must be counted. A second Ctrl-C ends the process.
        output.WriteLine($"Waiting up to {CorrectnessCheck.Deadline.TotalSeconds:0} s for the goals to count every acknowledged event...");
        using var checking = new CancellationTokenSource(CorrectnessCheck.Deadline + TimeSpan.FromSeconds(10));
        var correctness = await CorrectnessCheck.RunAsync(tenants, figures, checking.Token);

        var report = LoadReport.From(options, tenants, startedAt, figures, correctness);
        report.WriteSummary(output);
        if (options.JsonPath is { } path)
        {
            report.WriteJson(path);
            output.WriteLine($"  written to            {path}");
        }
        if (report.AcceptedEventsTotal == 0)
        {
            // The check passes trivially when nothing was stored; a run that measured nothing has failed.
            Console.Error.WriteLine("error: no event was acknowledged; see the errors above.");
            return ExitCodes.Failure;
        }
        return correctness.Pass ? ExitCodes.Success : ExitCodes.Failure;
    }
}
