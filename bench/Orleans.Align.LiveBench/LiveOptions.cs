using Orleans.Align.Driver;
using Orleans.Align.LiveBench.Protocol;

namespace Orleans.Align.LiveBench;

public enum BenchTarget
{
    Product,
    BareHub,
}

/// <summary>The options of <c>run</c>; see <see cref="Usage"/>.</summary>
public sealed record LiveOptions(
    BenchTarget Target,
    Uri Url,
    HubProtocolKind Protocol,
    int Orgs,
    int ViewersPerOrg,
    int Goals,
    double EventsPerSecond,
    int Batch,
    TimeSpan Warmup,
    TimeSpan Duration,
    int Probes,
    int PostConcurrency,
    double ConnectRate,
    string? PlatformAdminKey,
    string StateFile,
    string OrgPrefix,
    int? GatewayPid,
    int? SiloPid,
    int SiloPort,
    string? JsonOut)
{
    public int Viewers => Orgs * ViewersPerOrg;

    public const string Usage = """
          run [options]     connect viewers, post events, report freshness, fan-out and the servers' CPU and memory
            --target product|barehub   what to drive (product: the gateway ./run.sh started; barehub: bench/Orleans.Align.BareHub)
            --url URL                  the gateway or bare hub (default http://127.0.0.1:5080, barehub http://127.0.0.1:5070)
            --protocol json|messagepack
            --viewers N                viewers of one organization's overview board (default 50)
            --orgs K --viewers-per-org V   K organizations with V viewers each instead (part 5 of issue 12)
            --goals G                  goals per organization, 1 to 11 (default 10); goal 0 is the probe goal
            --rate E                   events per second to post (default 500; product only)
            --batch B                  events per request (default 100)
            --warmup 3s --duration 10s measured window after a warm-up with the same load
            --probes P                 viewers that parse every push (default 5; at most one per organization in --orgs mode)
            --post-concurrency C       requests in flight at most (default 16)
            --connect-rate R           new connections per second (default 500)
            --platform-admin-key KEY   creates the organizations (default: $Align__PlatformAdminKey, then .align/platform-admin-key)
            --state-file PATH          organizations and keys of earlier runs (default .align/live-bench.json)
            --org-prefix P             organization ids P-0001... (default live)
            --gateway-pid N --silo-pid N   processes to sample (default: found by the URL's port and --silo-port, 5090)
            --json-out PATH            the figures as JSON, for compare
          compare --product A.json --barehub B.json   one table, each figure beside the bare hub's and the ratio
        """;

    public static LiveOptions Parse(CommandLine line)
    {
        var target = (line.Value("target") ?? "product") switch
        {
            "product" => BenchTarget.Product,
            "barehub" => BenchTarget.BareHub,
            var other => throw new UsageException($"--target is product or barehub, not '{other}'."),
        };
        var protocol = (line.Value("protocol") ?? "json") switch
        {
            "json" => HubProtocolKind.Json,
            "messagepack" => HubProtocolKind.MessagePack,
            var other => throw new UsageException($"--protocol is json or messagepack, not '{other}'."),
        };
        var url = line.Value("url") ?? (target == BenchTarget.Product ? "http://127.0.0.1:5080" : "http://127.0.0.1:5070");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) throw new UsageException($"--url must be an absolute URL, not '{url}'.");
        var orgsGiven = line.Value("orgs") is not null;
        var orgs = (int)line.Number("orgs", 1, 1, 100_000);
        var viewersPerOrg = orgsGiven
            ? (int)line.Number("viewers-per-org", 2, 0, 100_000)
            : (int)line.Number("viewers", 50, 0, 100_000);
        if (orgsGiven && line.Value("viewers") is not null) throw new UsageException("Give --viewers, or --orgs with --viewers-per-org, not both.");
        if (!orgsGiven && line.Value("viewers-per-org") is not null) throw new UsageException("--viewers-per-org goes with --orgs.");
        var options = new LiveOptions(
            target, uri, protocol, orgs, viewersPerOrg,
            Goals: (int)line.Number("goals", 10, 1, 11),
            EventsPerSecond: line.Number("rate", 500, 1, 10_000_000),
            Batch: (int)line.Number("batch", 100, 1, 10_000),
            Warmup: line.Duration("warmup", TimeSpan.FromSeconds(3), TimeSpan.Zero, TimeSpan.FromHours(1)),
            Duration: line.Duration("duration", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromHours(4)),
            Probes: (int)line.Number("probes", 5, 0, 100_000),
            PostConcurrency: (int)line.Number("post-concurrency", 16, 1, 10_000),
            ConnectRate: line.Number("connect-rate", 500, 1, 1_000_000),
            PlatformAdminKey: line.Value("platform-admin-key") ?? Environment.GetEnvironmentVariable("Align__PlatformAdminKey")
                ?? (File.Exists(".align/platform-admin-key") ? File.ReadAllText(".align/platform-admin-key").Trim() : null),
            StateFile: line.Value("state-file") ?? ".align/live-bench.json",
            OrgPrefix: line.Value("org-prefix") ?? "live",
            GatewayPid: line.Value("gateway-pid") is { } g ? (int)line.Number("gateway-pid", 0, 1, int.MaxValue) : null,
            SiloPid: line.Value("silo-pid") is { } s ? (int)line.Number("silo-pid", 0, 1, int.MaxValue) : null,
            SiloPort: (int)line.Number("silo-port", 5090, 1, 65535),
            JsonOut: line.Value("json-out"));
        line.RejectUnread();
        return options;
    }
}
