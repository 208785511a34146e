using System.Text.RegularExpressions;
using Orleans.Align.Driver.Api;
using Orleans.Align.Driver.Scenario;

namespace Orleans.Align.Driver.Demo;

public sealed partial record DemoOptions(Uri Gateway, string PlatformAdminKey, string Org, string StateFile, bool Simulate, double Rate)
{
    public const string Usage = """
          demo --gateway URL --admin-key KEY [--org ID] [--state-file PATH] [--no-simulate] [--rate N]
            Seeds a demo organization (the EcoMotion activewear launch: departments, a campaign, six
            goals, a read-only wall-screen link per printed board), prints the board URLs, then simulates
            marketing tools pushing events until Ctrl-C. Safe to run again: what exists is kept.

            --gateway URL       The gateway's base URL, e.g. http://127.0.0.1:5080. Required.
            --admin-key KEY     The platform admin key (the gateway's Align:PlatformAdminKey).
                                Required; defaults to the Align__PlatformAdminKey environment variable.
            --org ID            The organization to seed. Default: demo.
            --state-file PATH   Where the organization's keys are kept between runs.
                                Default: .align/{org}.json under the current folder.
            --no-simulate       Seed and print the URLs, then exit.
            --rate N            Batches per second to send, 0.1 to 1000. Default: 20.
        """;

    private const string AdminKeyVariable = "Align__PlatformAdminKey";

    /// <summary>The URL as people typed it, minus a trailing slash, for messages and board links.</summary>
    public string GatewayText => Gateway.AbsoluteUri.TrimEnd('/');

    public static DemoOptions Parse(CommandLine line)
    {
        var gatewayText = line.Value("gateway") ?? throw new UsageException("demo needs --gateway URL, e.g. --gateway http://127.0.0.1:5080.");
        if (!Uri.TryCreate(gatewayText, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
            throw new UsageException($"--gateway must be an http or https URL, not '{gatewayText}'.");

        var adminKey = line.Value("admin-key") ?? Environment.GetEnvironmentVariable(AdminKeyVariable);
        if (string.IsNullOrWhiteSpace(adminKey))
            throw new UsageException($"demo needs the platform admin key: --admin-key KEY, or the {AdminKeyVariable} environment variable.");

        var org = line.Value("org") ?? "demo";
        // The id also names the default state file, so it is checked here and not only by the gateway.
        if (!OrgIdPattern().IsMatch(org))
            throw new UsageException($"--org must be lower-case letters, digits and '-', starting with a letter or digit, at most 64 characters; '{org}' is not.");

        var stateFile = Path.GetFullPath(line.Value("state-file") ?? Path.Combine(".align", org + ".json"));
        var simulate = !line.Flag("no-simulate");
        var rate = line.Number("rate", fallback: 20, min: 0.1, max: 1000);
        line.RejectUnread();
        return new DemoOptions(gateway, adminKey.Trim(), org, stateFile, simulate, rate);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex OrgIdPattern();
}

/// <summary>Seeds the demo, shows where to look, and keeps the boards moving.</summary>
public static class DemoCommand
{
    public static async Task<int> RunAsync(DemoOptions options, CancellationToken stopping)
    {
        var output = Console.Out;
        using var http = AlignApiClient.CreateHttpClient(options.Gateway, requestTimeout: TimeSpan.FromSeconds(15));

        DemoState state;
        try
        {
            state = await new DemoSetup(http, options, output).RunAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Console.Error.WriteLine("Stopped before the demo was set up; run the same command again to finish.");
            return ExitCodes.Interrupted;
        }

        var org = new AlignApiClient(http, state.AdminApiKey);
        await WriteGoalsAsync(org, output, stopping);
        WriteLinks(options, state, output);
        if (!options.Simulate) return ExitCodes.Success;

        var simulator = new EventSimulator(org, new LaunchEventGenerator(), options.Rate, output);
        try
        {
            await simulator.RunAsync(stopping);
        }
        catch (AlignApiException ex) when (ex.IsUnauthorized)
        {
            throw new DemoSetupException($"{ex.Message} The gateway no longer accepts the demo's key. If the silo restarted, its memory " +
                "storage forgot the organization: run demo again to seed it anew.");
        }

        // The stop signal has fired; the closing summary gets a moment of its own.
        using var summary = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await WriteGoalsAsync(org, output, summary.Token);
        return ExitCodes.Success;
    }

    private static void WriteLinks(DemoOptions options, DemoState state, TextWriter output)
    {
        var gateway = options.GatewayText;
        // Each board with its own wall-screen link: read-only, that board alone, revocable (DELETE /api/v1/board-links/{id}).
        string Url(string board) => $"{gateway}/?board={board}&key={Uri.EscapeDataString(state.BoardLinks![board])}";
        output.WriteLine();
        output.WriteLine("The demo is ready.");
        output.WriteLine($"  Gateway        {gateway}");
        output.WriteLine($"  War room       {Url(LaunchScenario.WarRoomBoard)}");
        output.WriteLine($"  Overview       {Url(LaunchScenario.OverviewBoard)}");
        // Each department's scorecard board; the URL names the department.
        var label = "Scorecards";
        foreach (var department in LaunchScenario.Departments)
        {
            output.WriteLine($"  {label,-14} {Url($"department:{department.Id}")}");
            label = "";
        }
        output.WriteLine($"  Admin API key  {state.AdminApiKey}");
        output.WriteLine($"                 e.g. curl -H 'Authorization: Bearer {state.AdminApiKey}' {gateway}/api/v1/goals");
        foreach (var person in state.People ?? [])
            output.WriteLine($"  Sign in as     {person.Email,-28} password {person.Password}   ({person.Role}{(person.Departments.Count > 0 ? " of " + string.Join(", ", person.Departments) : "")})");
        if (state.People is { Count: > 0 }) output.WriteLine($"  Sign in at     {gateway}/?org={state.Org}  (organization '{state.Org}': the app; its War room page is #/war-room/{LaunchScenario.WarRoomBoard})");
        output.WriteLine($"  TV mode        {Url(LaunchScenario.WarRoomBoard)}&tv=1  (every goal on one screen, for a wall)");
        output.WriteLine($"  Keys saved in  {options.StateFile} (with the passwords)");
        output.WriteLine();
    }

    /// <summary>Progress at a glance, so a second run shows the first run's events are still counted.</summary>
    private static async Task WriteGoalsAsync(AlignApiClient org, TextWriter output, CancellationToken cancellationToken)
    {
        IReadOnlyList<Api.GoalView> goals;
        try
        {
            goals = await org.ListGoalsAsync(cancellationToken);
        }
        catch (Exception ex) when (TransientRetry.IsTransient(ex, cancellationToken) || ex is OperationCanceledException)
        {
            // Only a view: the demo goes on without it.
            output.WriteLine($"(Goals not shown: {TransientRetry.Describe(ex)}.)");
            return;
        }

        output.WriteLine();
        output.WriteLine("Goals:");
        foreach (var goal in goals.OrderBy(g => g.Id, StringComparer.Ordinal))
        {
            output.WriteLine($"  {goal.Id,-20} {goal.Progress,12:N0} / {goal.Target,-9:N0} {goal.Percent,7:0.0} %   {goal.EventCount,8:N0} events");
        }
    }
}
