using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The real system on loopback: the silo and the gateway as separate processes, started from the
/// solution's build output on free ports, exactly as the run command starts them.
/// </summary>
public sealed class AlignSystem : IAsyncLifetime
{
    public const string PlatformAdminKey = "e2e-platform-admin-key-0123456789";

    private readonly Dictionary<string, Process> _processes = [];
    private readonly int _siloPort = FreePort(), _orleansGatewayPort = FreePort(), _siloHttpPort = FreePort(), _azuritePort = FreePort();
    private readonly string _azuriteData = Path.Combine(Path.GetTempPath(), "align-e2e-azurite-" + Guid.NewGuid().ToString("N"));
    private int _starts;

    public string LogDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "e2e-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff"));
    public Uri Gateway { get; } = new($"http://127.0.0.1:{FreePort()}");
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Azurite's well-known development account, on this system's own port.</summary>
    public string StorageConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{_azuritePort}/devstoreaccount1;";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(LogDirectory);
        Http = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
        await StartAzuriteAsync();
        await StartSiloAsync();
        Start("gateway", Artifact("gateway", "Orleans.Align.Gateway"),
            $"--Urls={Gateway}", $"--Align:Gateway:OrleansGatewayPort={_orleansGatewayPort}", $"--Align:PlatformAdminKey={PlatformAdminKey}");
        await WaitHealthyAsync(new Uri(Gateway, "/health/ready"));
    }

    public async Task StartSiloAsync()
    {
        Start("silo", Artifact("silo", "Orleans.Align.Silo"),
            $"--Urls=http://127.0.0.1:{_siloHttpPort}", $"--Align:Silo:SiloPort={_siloPort}", $"--Align:Silo:GatewayPort={_orleansGatewayPort}",
            $"--Align:Storage:ConnectionString={StorageConnectionString}");
        await WaitHealthyAsync(new Uri($"http://127.0.0.1:{_siloHttpPort}/health"));
    }

    /// <summary>SIGKILL: no shutdown, no deactivation, no last snapshot written.</summary>
    public void KillSilo() => Kill("silo");

    /// <summary>Azurite on loopback with its data in a folder of this run, so a restart finds the same data.</summary>
    public async Task StartAzuriteAsync()
    {
        var bin = Path.Combine(RepositoryRoot(), "silo", "storage-emulator", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(bin)) throw new FileNotFoundException($"Run 'npm ci' in silo/storage-emulator first: {bin} is missing.", bin);
        Start("azurite", bin, "--blobHost", "127.0.0.1", "--blobPort", _azuritePort.ToString(), "--location", _azuriteData,
            "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose");
        await WaitForPortAsync(_azuritePort);
    }

    /// <summary>
    /// Stops Azurite as an outage looks to the silo (connections refused) without losing what it
    /// acknowledged: a graceful stop lets it flush its metadata, as real Azure Storage never loses a
    /// committed write. A SIGKILL would test Azurite's durability, not ours.
    /// </summary>
    public void StopAzurite()
    {
        if (!_processes.Remove("azurite", out var process)) return;
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) kill.WaitForExit();
        if (!process.WaitForExit(15_000)) process.Kill(entireProcessTree: true);
        process.Dispose();
    }

    public async Task DisposeAsync()
    {
        foreach (var name in _processes.Keys.ToList()) Kill(name);
        Http?.Dispose();
        try { Directory.Delete(_azuriteData, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        await Task.CompletedTask;
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

    private static string RepositoryRoot()
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

    private void Start(string name, string program, params string[] args)
    {
        var isDll = program.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(isDll ? "dotnet" : program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (isDll) info.ArgumentList.Add(program);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<AlignSystem>
{
    public const string Name = "system";
}

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
