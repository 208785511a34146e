using Orleans.Align.Driver;
using Orleans.Align.LiveBench;

CommandLine line;
try
{
    line = CommandLine.Parse(args);
    if (line.WantsHelp || line.Command is null)
    {
        Console.WriteLine($"""
            Orleans.Align live benchmark: viewers over raw WebSockets (SignalR JSON or MessagePack) and a poster,
            against the running product (./run.sh) or the bare SignalR hub (bench/Orleans.Align.BareHub). Starts neither.

            Usage:
              dotnet bench/Orleans.Align.LiveBench/bin/Release/net10.0/Orleans.Align.LiveBench.dll <command> [options]

            Commands:
            {LiveOptions.Usage}
            """);
        return line.Command is null && !line.WantsHelp ? 2 : 0;
    }

    switch (line.Command)
    {
        case "run":
            var options = LiveOptions.Parse(line);
            using (var stop = new ShutdownSignal())
            {
                var report = await new LiveRun(options, Console.Out).RunAsync(stop.Token);
                report.Print(Console.Out);
                if (options.JsonOut is { } path) report.Save(path);
                return report.Held == report.Viewers ? 0 : 1;
            }
        case "compare":
            var product = line.Value("product") ?? throw new UsageException("compare needs --product A.json.");
            var bare = line.Value("barehub") ?? throw new UsageException("compare needs --barehub B.json.");
            line.RejectUnread();
            LiveReport.Compare(LiveReport.Load(product), LiveReport.Load(bare), Console.Out);
            return 0;
        default:
            throw new UsageException($"Unknown command '{line.Command}'.");
    }
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("Run with --help for usage.");
    return 2;
}
catch (Exception ex) when (ex is InvalidOperationException or Orleans.Align.Driver.Api.AlignApiException or HttpRequestException or IOException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
