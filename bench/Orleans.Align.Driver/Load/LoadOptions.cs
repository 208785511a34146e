using System.Text.RegularExpressions;

namespace Orleans.Align.Driver.Load;

public sealed partial record LoadOptions(
    Uri Gateway,
    string PlatformAdminKey,
    int Clients,
    int BatchSize,
    TimeSpan Duration,
    TimeSpan Warmup,
    string OrgPrefix,
    int Organizations,
    string? JsonPath)
{
    public const string Usage = """
          load --gateway URL --admin-key KEY [--clients N] [--batch N] [--duration 30s] [--warmup 5s]
               [--org-prefix ID] [--orgs N] [--json PATH]
            Measures ingest throughput. Creates fresh organizations (a department, a campaign, five
            goals), then runs N concurrent clients that each post batches of new events as fast as
            they are acknowledged. Reports acknowledged events/s, requests/s, acknowledgement latency
            and errors over the measured window, then checks that the goals counted exactly the
            acknowledged events they should (PASS/FAIL; exit code 1 on FAIL).

            --gateway URL       The gateway's base URL, e.g. http://127.0.0.1:5080. Required.
            --admin-key KEY     The platform admin key. Required; defaults to Align__PlatformAdminKey.
            --clients N         Concurrent clients, each one HTTP/1.1 connection. Default: 32.
            --batch N           Events per request, 1 to 100,000 (the gateway's default limit is 5,000). Default: 500.
            --duration T        The measured window, e.g. 30s or 2m. Default: 30s.
            --warmup T          Load before the window that is not measured. Default: 5s.
            --org-prefix ID     Organizations are named {prefix}-{yyyyMMdd-HHmmss-fff}[-n]. Default: load.
            --orgs N            Organizations to spread the clients over (round robin). Default: 1.
            --json PATH         Also write the figures to this file as JSON.
        """;

    private const string AdminKeyVariable = "Align__PlatformAdminKey";

    public string GatewayText => Gateway.AbsoluteUri.TrimEnd('/');

    public static LoadOptions Parse(CommandLine line)
    {
        var gatewayText = line.Value("gateway") ?? throw new UsageException("load needs --gateway URL, e.g. --gateway http://127.0.0.1:5080.");
        if (!Uri.TryCreate(gatewayText, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
            throw new UsageException($"--gateway must be an http or https URL, not '{gatewayText}'.");

        var adminKey = line.Value("admin-key") ?? Environment.GetEnvironmentVariable(AdminKeyVariable);
        if (string.IsNullOrWhiteSpace(adminKey))
            throw new UsageException($"load needs the platform admin key: --admin-key KEY, or the {AdminKeyVariable} environment variable.");

        var clients = (int)line.Number("clients", fallback: 32, min: 1, max: 4096);
        var batch = (int)line.Number("batch", fallback: 500, min: 1, max: 100_000);
        var duration = line.Duration("duration", TimeSpan.FromSeconds(30), min: TimeSpan.FromSeconds(1), max: TimeSpan.FromHours(24));
        var warmup = line.Duration("warmup", TimeSpan.FromSeconds(5), min: TimeSpan.Zero, max: TimeSpan.FromHours(1));
        var prefix = line.Value("org-prefix") ?? "load";
        // Room for the timestamp and an organization number within the 64 characters an id may have.
        if (!PrefixPattern().IsMatch(prefix))
            throw new UsageException($"--org-prefix must be lower-case letters, digits and '-', starting with a letter or digit, at most 32 characters; '{prefix}' is not.");
        var orgs = (int)line.Number("orgs", fallback: 1, min: 1, max: 1000);
        if (orgs > clients) throw new UsageException($"--orgs ({orgs}) cannot exceed --clients ({clients}): every organization needs a client.");
        var json = line.Value("json") is { } path ? Path.GetFullPath(path) : null;
        line.RejectUnread();
        return new LoadOptions(gateway, adminKey.Trim(), clients, batch, duration, warmup, prefix, orgs, json);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();
}
