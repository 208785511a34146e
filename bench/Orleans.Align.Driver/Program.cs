using Orleans.Align.Driver;
using Orleans.Align.Driver.Api;
using Orleans.Align.Driver.BadKeys;
using Orleans.Align.Driver.Demo;
using Orleans.Align.Driver.Load;
using Orleans.Align.Driver.Neighbours;
using Orleans.Align.Driver.Revocation;
using Orleans.Align.Driver.Timeline;

CommandLine line;
try
{
    line = CommandLine.Parse(args);
}
catch (UsageException ex)
{
    return UsageError(ex.Message);
}

if (line.WantsHelp)
{
    Console.WriteLine(Usage.Text);
    return ExitCodes.Success;
}

using var shutdown = new ShutdownSignal();
try
{
    // A subcommand parses its own options, then runs with the shared stop token.
    return line.Command switch
    {
        "demo" => await DemoCommand.RunAsync(DemoOptions.Parse(line), shutdown.Token),
        "load" => await LoadCommand.RunAsync(LoadOptions.Parse(line), shutdown.Token),
        "bad-keys" => await BadKeysCommand.RunAsync(BadKeysOptions.Parse(line), shutdown.Token),
        "noisy-neighbour" => await NoisyNeighbourCommand.RunAsync(NoisyNeighbourOptions.Parse(line), shutdown.Token),
        "timeline" => await TimelineCommand.RunAsync(TimelineOptions.Parse(line), shutdown.Token),
        "revocation" => await RevocationCommand.RunAsync(RevocationOptions.Parse(line), shutdown.Token),
        null => UsageError("Name a command."),
        var unknown => UsageError($"Unknown command '{unknown}'."),
    };
}
catch (UsageException ex)
{
    return UsageError(ex.Message);
}
catch (Exception ex) when (ex is DemoSetupException or AlignApiException or HttpRequestException or IOException or UnauthorizedAccessException)
{
    // Expected failures: the message says what went wrong and what to do, a stack trace would not help.
    Console.Error.WriteLine($"error: {ex.Message}");
    return ExitCodes.Failure;
}

static int UsageError(string message)
{
    Console.Error.WriteLine($"error: {message}");
    Console.Error.WriteLine("Run with --help for usage.");
    return ExitCodes.Usage;
}

namespace Orleans.Align.Driver
{
    internal static class Usage
    {
        public const string Text = $"""
            Orleans.Align driver: sets up and drives an Orleans.Align gateway over its HTTP API.

            Usage:
              dotnet run --project bench/Orleans.Align.Driver -- <command> [options]
              Orleans.Align.Driver --help

            Commands:
            {DemoOptions.Usage}

            {LoadOptions.Usage}

            {BadKeysOptions.Usage}

            {NoisyNeighbourOptions.Usage}

            {TimelineOptions.Usage}

            {RevocationOptions.Usage}

            Exit codes: 0 done or stopped with Ctrl-C/SIGTERM, 1 failed (for load: also a FAIL correctness check),
            2 wrong command line, 130 stopped during setup.
            """;
    }

    internal static class ExitCodes
    {
        public const int Success = 0;
        public const int Failure = 1;
        public const int Usage = 2;
        public const int Interrupted = 130;
    }
}
