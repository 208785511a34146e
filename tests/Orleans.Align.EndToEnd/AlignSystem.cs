using Orleans.Align.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>What an <see cref="AlignSystem"/> starts: how many silos and gateways, and how they find each other.</summary>
/// <param name="Clustering"><c>azure</c> (membership in Azurite's table service) or <c>redis</c> (a redis-server of the fixture's own).</param>
/// <param name="SiloArguments">Extra <c>--Key=Value</c> settings for every silo (e.g. a short reminder period).</param>
/// <param name="GatewayArguments">Extra <c>--Key=Value</c> settings for every gateway (e.g. an OTLP endpoint).</param>
public sealed record AlignSystemOptions(int Silos = 1, int Gateways = 1, string Clustering = "azure", IReadOnlyList<string>? SiloArguments = null,
    IReadOnlyList<string>? GatewayArguments = null);

/// <summary>
/// The real system on loopback: Azurite (blob and table services), silos and gateways as separate
/// processes, started from the solution's build output on free ports, exactly as the run command
/// starts them, forming one cluster through Azure Table membership (or Redis). "The" silo and "the"
/// gateway of the single-node tests are silo 0 and gateway 0.
/// </summary>
public class AlignSystem : IAsyncLifetime
{
    public const string PlatformAdminKey = "e2e-platform-admin-key-0123456789";

    private readonly Dictionary<string, Process> _processes = [];
    private readonly int _azuritePort = FreePort(), _azuriteTablePort = FreePort(), _azuriteQueuePort = FreePort(), _redisPort = FreePort(),
        _smtpPort = FreePort(), _mailWebPort = FreePort(), _oidcPort = FreePort();
    private readonly SiloEndpoints[] _silos;
    private readonly string _azuriteData = Path.Combine(Path.GetTempPath(), "align-e2e-azurite-" + Guid.NewGuid().ToString("N"));
    private int _starts;

    public AlignSystem() : this(new AlignSystemOptions()) { }

    protected AlignSystem(AlignSystemOptions options)
    {
        if (options.Silos < 1 || options.Gateways < 1) throw new ArgumentOutOfRangeException(nameof(options), "At least one silo and one gateway.");
        if (options.Clustering is not ("azure" or "redis")) throw new ArgumentOutOfRangeException(nameof(options), $"Unknown clustering '{options.Clustering}'.");
        Options = options;
        _silos = Enumerable.Range(0, options.Silos).Select(_ => new SiloEndpoints(FreePort(), FreePort(), FreePort())).ToArray();
        Gateways = Enumerable.Range(0, options.Gateways).Select(_ => new Uri($"http://127.0.0.1:{FreePort()}")).ToArray();
    }

    public AlignSystemOptions Options { get; }

    /// <summary>The cluster every process of this system joins (each system has its own Azurite and Redis).</summary>
    public const string ClusterId = "align-e2e", ServiceId = "orleans-align";

    public int SiloCount => _silos.Length;

    /// <summary>Each silo's Orleans (silo-to-silo) port by index: its address in the membership table.</summary>
    public IReadOnlyList<int> SiloPorts => _silos.Select(s => s.Silo).ToArray();

    public int SiloIndexOfPort(int siloPort) => Array.FindIndex(_silos, s => s.Silo == siloPort) is >= 0 and var i
        ? i
        : throw new ArgumentException($"No silo of this system has port {siloPort}.", nameof(siloPort));

    public bool IsSiloRunning(int index) => _processes.TryGetValue($"silo-{index}", out var process) && !process.HasExited;

    /// <summary>An Orleans client of the test's own on this system's membership (Azure Table or Redis).</summary>
    public Task<ClusterProbe> ConnectProbeAsync() =>
        ClusterProbe.ConnectAsync(StorageConnectionString, ClusterId, ServiceId, Options.Clustering == "redis" ? RedisConnectionString : null);

    public string LogDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "e2e-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff"));

    /// <summary>Every gateway's base address, by index.</summary>
    public IReadOnlyList<Uri> Gateways { get; }

    /// <summary>Gateway 0, which <see cref="Http"/> talks to.</summary>
    public Uri Gateway => Gateways[0];

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Azurite's well-known development account, on this system's own ports (blob and table).</summary>
    public string StorageConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{_azuritePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{_azuriteTablePort}/devstoreaccount1;";

    private string RedisConnectionString => $"127.0.0.1:{_redisPort}";

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(LogDirectory);
        Http = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
        await StartAzuriteAsync();
        await StartMailCatcherAsync();
        await StartOidcProviderAsync();
        if (Options.Clustering == "redis") await StartRedisAsync();
        for (var i = 0; i < _silos.Length; i++) await StartSiloAsync(i);
        for (var j = 0; j < Gateways.Count; j++) await StartGatewayAsync(j);
    }

    /// <summary>The membership and storage arguments every silo and gateway of this system shares.</summary>
    private IEnumerable<string> ClusterArguments()
    {
        yield return $"--Align:Cluster:Clustering={Options.Clustering}";
        yield return $"--Align:Cluster:ClusterId={ClusterId}";
        yield return $"--Align:Cluster:ServiceId={ServiceId}";
        yield return $"--Align:Storage:ConnectionString={StorageConnectionString}";
        if (Options.Clustering == "redis") yield return $"--Align:Redis:ConnectionString={RedisConnectionString}";
    }

    public async Task StartSiloAsync(int index = 0)
    {
        var ports = _silos[index];
        Start($"silo-{index}", Artifact("silo", "Orleans.Align.Silo"),
        [
            $"--Urls=http://127.0.0.1:{ports.Http}", $"--Align:Silo:SiloPort={ports.Silo}", $"--Align:Silo:GatewayPort={ports.Gateway}",
            .. ClusterArguments(),
            // Failure detection in seconds rather than Orleans' production defaults (probes every 5 s,
            // 3 missed probes, 2 votes: a dead silo is declared after about half a minute): a probe
            // times out after 1 s and 2 missed probes suspect a silo, so a killed silo is voted dead
            // within a few seconds and its grains move. Liveness through the table is published every
            // 5 s so that even a lone survivor's view stays fresh. The cluster tests depend on this.
            "--Align:Silo:Membership:ProbeTimeout=00:00:01",
            "--Align:Silo:Membership:NumMissedProbesLimit=2",
            "--Align:Silo:Membership:NumVotesForDeathDeclaration=1",
            "--Align:Silo:Membership:IAmAliveTablePublishTimeout=00:00:05",
            "--Align:Silo:Membership:TableRefreshTimeout=00:00:02",
            "--Align:Silo:Membership:DeathVoteExpirationTimeout=00:00:10",
            // The goal links in subscriptions' deliveries point at the first gateway (the web client's address);
            // deliveries may reach receivers in the test process (loopback, plain http), no other non-public address.
            $"--Align:PublicBaseUrl={Gateways[0]}",
            // The operator's key opens the silo's dashboard and the reasons behind its /health/ready.
            $"--Align:PlatformAdminKey={PlatformAdminKey}",
            "--Align:Integrations:AllowedNetworks:0=127.0.0.0/8",
            "--Align:Integrations:AllowHttp=true",
            .. Options.SiloArguments ?? [],
        ]);
        await WaitHealthyAsync(new Uri($"http://127.0.0.1:{ports.Http}/health"));
        // A silo's web host answers before its Orleans gateway takes clients: with every silo of a
        // one-silo system restarted, the gateways answer 503 until their clients reconnect. A restart
        // is done when the gateways reach the cluster again.
        foreach (var gateway in _startedGateways) await WaitHealthyAsync(new Uri(gateway, "/health/ready"));
    }

    private readonly List<Uri> _startedGateways = [];

    public async Task StartGatewayAsync(int index = 0)
    {
        Start($"gateway-{index}", Artifact("gateway", "Orleans.Align.Gateway"),
        [
            $"--Urls={Gateways[index]}", $"--Align:PlatformAdminKey={PlatformAdminKey}",
            .. ClusterArguments(),
            // Learn about silos that come and go within a second.
            "--Align:Gateway:GatewayListRefreshPeriod=00:00:01",
            // Mail goes to this system's maildev, in plain text on loopback.
            "--Align:Mail:Host=127.0.0.1", $"--Align:Mail:Port={_smtpPort}", "--Align:Mail:Tls=none",
            "--Align:Mail:From=Orleans.Align E2E <align@e2e.example>",
            // Organizations' single sign-on may use this system's oidc-provider, on plain http on loopback.
            "--Align:Sso:AllowLoopbackIssuers=true",
            .. Options.GatewayArguments ?? [],
        ]);
        await WaitHealthyAsync(new Uri(Gateways[index], "/health/ready"));
        if (!_startedGateways.Contains(Gateways[index])) _startedGateways.Add(Gateways[index]);
    }

    /// <summary>SIGKILL: no shutdown, no deactivation, no last snapshot written, no goodbye to the membership table.</summary>
    public void KillSilo(int index = 0) => Kill($"silo-{index}");

    /// <summary>SIGTERM, then wait for the silo to leave the cluster and exit.</summary>
    public Task StopSiloAsync(int index = 0) => StopAsync($"silo-{index}");

    public void KillGateway(int index = 0) => Kill($"gateway-{index}");

    public Task StopGatewayAsync(int index = 0) => StopAsync($"gateway-{index}");

    /// <summary>Azurite (blob and table services) on loopback with its data in a folder of this run, so a restart finds the same data.</summary>
    public async Task StartAzuriteAsync()
    {
        var bin = Path.Combine(RepositoryRoot(), "silo", "storage-emulator", "node_modules", ".bin", "azurite");
        if (!File.Exists(bin)) throw new FileNotFoundException($"Run 'npm ci' in silo/storage-emulator first: {bin} is missing.", bin);
        Start("azurite", bin,
        [
            "--blobHost", "127.0.0.1", "--blobPort", $"{_azuritePort}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{_azuriteTablePort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{_azuriteQueuePort}",
            "--location", _azuriteData, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
        ]);
        await WaitForPortAsync(_azuritePort);
        await WaitForPortAsync(_azuriteTablePort);
    }

    /// <summary>maildev's web API (<c>GET /api/email</c> lists the mail it caught), for reading what the gateways sent.</summary>
    public Uri MailCatcher => new($"http://127.0.0.1:{_mailWebPort}");

    /// <summary>This system's OpenID provider (tests/oidc-provider): its issuer, and the client every organization's SSO may use.</summary>
    public Uri OidcIssuer => new($"http://127.0.0.1:{_oidcPort}");

    public const string OidcClientId = "align-e2e", OidcClientSecret = "e2e-oidc-client-secret-0123456789";

    /// <summary>
    /// oidc-provider, a real OpenID provider, on loopback: it accepts every gateway's per-organization callback
    /// as a redirect URI, and signs in whatever email is typed on its form.
    /// </summary>
    private async Task StartOidcProviderAsync()
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "oidc-provider");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider"))) throw new InvalidOperationException("Run ./setup.sh first: tests/oidc-provider/node_modules is missing.");
        Start("oidc-provider", "node", [Path.Combine(folder, "server.mjs"), "--port", $"{_oidcPort}", "--client-id", OidcClientId, "--client-secret", OidcClientSecret,
            "--redirect-prefix", string.Join(",", Gateways.Select(g => new Uri(g, "/api/v1/sso/").ToString()))]);
        await WaitForPortAsync(_oidcPort);
    }

    /// <summary>maildev, the SMTP catcher (tests/mail-catcher), on loopback: SMTP for the gateways, its web API for the tests.</summary>
    private async Task StartMailCatcherAsync()
    {
        var bin = Path.Combine(RepositoryRoot(), "tests", "mail-catcher", "node_modules", ".bin", "maildev");
        if (!File.Exists(bin)) throw new FileNotFoundException($"Run 'npm ci' in tests/mail-catcher first (setup.sh does): {bin} is missing.", bin);
        Start("maildev", bin, ["--smtp", $"{_smtpPort}", "--ip", "127.0.0.1", "--web", $"{_mailWebPort}", "--web-ip", "127.0.0.1", "--silent"]);
        await WaitForPortAsync(_smtpPort);
        await WaitForPortAsync(_mailWebPort);
    }

    /// <summary>A throw-away redis-server for Redis membership: no persistence, gone with the fixture.</summary>
    private async Task StartRedisAsync()
    {
        Start("redis", "redis-server", ["--port", $"{_redisPort}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        await WaitForPortAsync(_redisPort);
    }

    /// <summary>
    /// Stops Azurite as an outage looks to the silo (connections refused) without losing what it
    /// acknowledged: a graceful stop lets it flush its metadata, as real Azure Storage never loses a
    /// committed write. A SIGKILL would test Azurite's durability, not ours.
    /// </summary>
    public void StopAzurite()
    {
        if (!_processes.Remove("azurite", out var process)) return;
        Terminate(process, TimeSpan.FromSeconds(15));
    }

    /// <summary>
    /// SIGSTOP: Azurite keeps its connections open and answers nothing, as a hanging storage does
    /// (unlike an outage, where connections are refused). <see cref="ThawAzurite"/> resumes it.
    /// </summary>
    public void FreezeAzurite() => Signal("azurite", "-STOP");

    public void ThawAzurite() => Signal("azurite", "-CONT");

    private void Signal(string name, string signal)
    {
        using var kill = Process.Start("kill", [signal, _processes[name].Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>Writes a line to this run's timeline.log (UTC), beside the processes' logs.</summary>
    public void Note(string text)
    {
        lock (_processes) File.AppendAllText(Path.Combine(LogDirectory, "timeline.log"), $"{DateTime.UtcNow:HH:mm:ss.fff} {text}\n");
    }

    /// <summary>A silo's own HTTP endpoint (health, readiness, dashboard).</summary>
    /// <summary>The platform operator's credential as the silo takes it: HTTP Basic, any user name, the platform admin key as the password.</summary>
    public static AuthenticationHeaderValue SiloOperator { get; } =
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"operator:{PlatformAdminKey}")));

    public Uri SiloHttp(int index = 0) => new($"http://127.0.0.1:{_silos[index].Http}");

    public virtual async Task DisposeAsync()
    {
        if (_processes.ContainsKey("azurite")) ThawAzurite(); // a frozen process ignores SIGKILL until it runs again
        foreach (var name in _processes.Keys.ToList()) Kill(name);
        Http?.Dispose();
        try { Directory.Delete(_azuriteData, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        await Task.CompletedTask;
    }

    private async Task StopAsync(string name)
    {
        if (!_processes.Remove(name, out var process)) return;
        await Task.Run(() => Terminate(process, TimeSpan.FromSeconds(45)));
    }

    private static void Terminate(Process process, TimeSpan patience)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) kill.WaitForExit();
        if (!process.WaitForExit(patience)) process.Kill(entireProcessTree: true);
        process.Dispose();
    }

    private void Kill(string name)
    {
        if (!_processes.Remove(name, out var process)) return;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }

    private sealed record SiloEndpoints(int Silo, int Gateway, int Http);

    /// <summary>Creates an organization with a fresh id, so every test has its own tenant.</summary>
    public async Task<Tenant> CreateTenantAsync(string prefix = "t")
    {
        var id = $"{prefix}-{Guid.NewGuid():N}"[..20];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orgs") { Content = JsonContent.Create(new { id, name = $"Org {id}" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PlatformAdminKey);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating org failed: {(int)response.StatusCode} {body}");
        var key = JsonNode.Parse(body)!["apiKey"]!.GetValue<string>();
        return new Tenant(this, id, key);
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Align.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Cannot find Orleans.Align.sln above the test output folder.");
    }

    /// <summary>The built DLL of a deployable, in the same configuration as this test assembly (Debug or Release).</summary>
    private static string Artifact(string folder, string project)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot(), folder, project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {path} is missing.", path);
    }

    private void Start(string name, string program, string[] args)
    {
        var isDll = program.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(isDll ? "dotnet" : program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (isDll) info.ArgumentList.Add(program);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Times on every line, so a process's log lines up with the test's timeline (Note).
        info.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        info.Environment["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}.");
        _processes[name] = process;
        var log = new StreamWriter(Path.Combine(LogDirectory, $"{name}-{++_starts}.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private async Task WaitHealthyAsync(Uri health)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_processes.Values.Any(p => p.HasExited))
                throw new InvalidOperationException($"A process exited during start-up; see logs in {LogDirectory}.");
            try
            {
                using var response = await probe.GetAsync(health);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{health} did not become healthy; see logs in {LogDirectory}.");
    }

    private async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"Nothing listens on port {port}; see logs in {LogDirectory}.");
    }

    private static int FreePort() => LoopbackPorts.Free();
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<AlignSystem>
{
    public const string Name = "system";
}

/// <summary>Three silos and two gateways on Azure Table membership.</summary>
/// <summary>
/// Three silos and two gateways on Azure Table membership. Goal reminders tick every 2 s (Orleans'
/// minimum reminder period lowered to 1 s), and an active goal's own pace timer waits 10 minutes,
/// so what changes with time in a test is the durable reminder's doing.
/// </summary>
public sealed class ThreeSiloCluster() : AlignSystem(new AlignSystemOptions(Silos: 3, Gateways: 2, SiloArguments:
[
    "--Align:Silo:Reminders:MinimumReminderPeriod=00:00:01",
    "--Align:Ingest:PaceReminderPeriod=00:00:02",
    "--Align:Ingest:PaceCheckInterval=00:10:00",
]));

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ThreeSiloCluster>
{
    public const string Name = "cluster";
}

/// <summary>Two silos and a gateway clustered through a redis-server of their own.</summary>
public sealed class RedisClusterSystem() : AlignSystem(new AlignSystemOptions(Silos: 2, Gateways: 1, Clustering: "redis"));

/// <summary>One organization of the running system and its admin key.</summary>
public sealed class Tenant(AlignSystem system, string id, string apiKey)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Id { get; } = id;
    public string ApiKey { get; } = apiKey;
    public AlignSystem System { get; } = system;

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? key = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is string raw) request.Content = new StringContent(raw, global::System.Text.Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? ApiKey);
        return await System.Http.SendAsync(request);
    }

    public async Task<JsonNode> PostOkAsync(string path, object body)
    {
        using var response = await SendAsync(HttpMethod.Post, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public async Task<JsonNode> GetOkAsync(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Departments marketing, pr and sales; a campaign; and one goal on it.</summary>
    public async Task<(string Campaign, string Goal)> SeedLaunchAsync(double target = 100)
    {
        foreach (var d in new[] { "marketing", "pr", "sales" }) await PostOkAsync("/api/v1/departments", new { id = d, name = d.ToUpperInvariant() });
        await PostOkAsync("/api/v1/campaigns", new { id = "launch", name = "Launch", departments = new[] { "marketing", "pr", "sales" } });
        await PostOkAsync("/api/v1/goals", new
        {
            id = "launch-leads",
            title = "Launch leads",
            metric = "leads",
            target,
            owners = new[] { "marketing", "sales" },
            scope = new { campaign = "launch" },
            start = DateTimeOffset.UtcNow.AddDays(-1),
            end = DateTimeOffset.UtcNow.AddDays(30),
        });
        return ("launch", "launch-leads");
    }

    public Task<JsonNode> PostEventsAsync(params (string Id, double Value)[] leads) =>
        PostOkAsync("/api/v1/events", new
        {
            events = leads.Select(l => new { id = l.Id, metric = "leads", value = l.Value, campaign = "launch", department = "marketing", source = "e2e" }),
        });

    public async Task<string> CreateReadKeyAsync() =>
        (await PostOkAsync("/api/v1/keys", new { name = "wall screen", scopes = new[] { "read" } }))["apiKey"]!.GetValue<string>();

    public async Task<double> ProgressAsync(string goal) => (await GetOkAsync($"/api/v1/goals/{goal}"))["progress"]!.GetValue<double>();
}
