using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Orleans.Align.Driver.Api;

namespace Orleans.Align.Driver.BadKeys;

public sealed record BadKeysOptions(Uri Gateway, string PlatformAdminKey, int Tokens, int Concurrency, int? SiloPid, TimeSpan Settle)
{
    public const string Usage = """
          bad-keys --gateway URL --admin-key KEY [--tokens N] [--concurrency N] [--silo-pid PID] [--settle 10s]
            Measures what credentials that are not keys cost. Creates an organization and a read key,
            measures a legitimate request's latency (GET /api/v1/departments, one at a time) idle, then
            while N random tokens are sent, then while N well-formed keys nobody issued (right prefix,
            length and checksum) are sent. Prints p50/p99 of the legitimate request in each phase, the
            answers the bad tokens got, and the silo's resident memory before and after each flood.

            --gateway URL       The gateway's base URL, e.g. http://127.0.0.1:5080. Required.
            --admin-key KEY     The platform admin key. Required; defaults to Align__PlatformAdminKey.
            --tokens N          Bad tokens per flood. Default: 20000.
            --concurrency N     Concurrent senders of bad tokens. Default: 32.
            --silo-pid PID      The silo's process id, to read its memory (VmRSS, Linux). Optional.
            --settle T          Wait after each flood before reading memory again. Default: 10s.
        """;

    public static BadKeysOptions Parse(CommandLine line)
    {
        var gatewayText = line.Value("gateway") ?? throw new UsageException("bad-keys needs --gateway URL, e.g. --gateway http://127.0.0.1:5080.");
        if (!Uri.TryCreate(gatewayText, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
            throw new UsageException($"--gateway must be an http or https URL, not '{gatewayText}'.");
        var adminKey = line.Value("admin-key") ?? Environment.GetEnvironmentVariable("Align__PlatformAdminKey");
        if (string.IsNullOrWhiteSpace(adminKey))
            throw new UsageException("bad-keys needs the platform admin key: --admin-key KEY, or the Align__PlatformAdminKey environment variable.");
        var tokens = (int)line.Number("tokens", fallback: 20_000, min: 1, max: 10_000_000);
        var concurrency = (int)line.Number("concurrency", fallback: 32, min: 1, max: 4096);
        int? pid = line.Value("silo-pid") is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : throw new UsageException($"--silo-pid must be a process id, not '{text}'.")
            : null;
        var settle = line.Duration("settle", TimeSpan.FromSeconds(10), TimeSpan.Zero, TimeSpan.FromMinutes(10));
        line.RejectUnread();
        return new BadKeysOptions(gateway, adminKey, tokens, concurrency, pid, settle);
    }
}

/// <summary>The <c>bad-keys</c> command: see <see cref="BadKeysOptions.Usage"/>.</summary>
public static class BadKeysCommand
{
    private const string ProbePath = "api/v1/departments";

    public static async Task<int> RunAsync(BadKeysOptions options, CancellationToken cancellationToken)
    {
        using var http = AlignApiClient.CreateHttpClient(options.Gateway, TimeSpan.FromSeconds(30), options.Concurrency + 4);
        var orgId = "bad-keys-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        var created = await new AlignApiClient(http, options.PlatformAdminKey).CreateOrganizationAsync(orgId, "Bad keys benchmark", cancellationToken);
        var readKey = (await new AlignApiClient(http, created.ApiKey).CreateApiKeyAsync("probe", ["read"], cancellationToken)).ApiKey;
        Console.WriteLine($"organization {orgId}; {options.Tokens:N0} tokens per flood, {options.Concurrency} senders");

        await ProbeAsync(http, readKey, 200, null, cancellationToken); // warm-up
        var idle = await ProbeAsync(http, readKey, 1000, null, cancellationToken);
        Console.WriteLine($"idle                 legitimate p50 {idle.P50,6:F2} ms  p99 {idle.P99,6:F2} ms  ({idle.Count} requests)");
        var baseline = ReadRssMb(options.SiloPid);

        foreach (var (name, token) in new (string, Func<string>)[] { ("random tokens", RandomToken), ("well-formed unknown", WellFormedUnknownKey) })
        {
            var statuses = new int[600];
            var sent = Stopwatch.StartNew();
            var flood = FloodAsync(http, token, options, statuses, cancellationToken);
            var probe = ProbeAsync(http, readKey, int.MaxValue, flood, cancellationToken);
            await flood;
            var elapsed = sent.Elapsed;
            var during = await probe;
            var rssAfter = ReadRssMb(options.SiloPid);
            await Task.Delay(options.Settle, cancellationToken);
            var rssSettled = ReadRssMb(options.SiloPid);
            var answers = string.Join(", ", statuses.Select((n, s) => (n, s)).Where(x => x.n > 0).Select(x => $"{x.s}: {x.n:N0}"));
            Console.WriteLine($"{name,-20} legitimate p50 {during.P50,6:F2} ms  p99 {during.P99,6:F2} ms  ({during.Count} requests; p99 {during.P99 / idle.P99:F2}x idle)");
            Console.WriteLine($"{"",-20} {options.Tokens:N0} bad tokens in {elapsed.TotalSeconds:F1} s ({options.Tokens / elapsed.TotalSeconds:N0}/s), answers {answers}");
            if (baseline is { } b)
                Console.WriteLine($"{"",-20} silo memory {b:F1} MB before, {rssAfter:F1} MB right after ({rssAfter - b:+0.0;-0.0} MB), {rssSettled:F1} MB after {options.Settle.TotalSeconds:F0} s ({rssSettled - b:+0.0;-0.0} MB)");
        }
        return ExitCodes.Success;
    }

    private static async Task FloodAsync(HttpClient http, Func<string> token, BadKeysOptions options, int[] statuses, CancellationToken cancellationToken)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= options.Tokens)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, ProbePath);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token());
                using var response = await http.SendAsync(request, cancellationToken);
                Interlocked.Increment(ref statuses[Math.Clamp((int)response.StatusCode, 0, statuses.Length - 1)]);
            }
        }));
    }

    /// <summary>One legitimate request at a time, <paramref name="count"/> of them or until <paramref name="until"/> completes.</summary>
    private static async Task<(double P50, double P99, int Count)> ProbeAsync(HttpClient http, string key, int count, Task? until, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        while (latencies.Count < count && until?.IsCompleted != true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ProbePath);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new AlignApiException(HttpMethod.Get, ProbePath, response.StatusCode, null, await response.Content.ReadAsStringAsync(cancellationToken), null);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        latencies.Sort();
        return latencies.Count == 0 ? (0, 0, 0) : (Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Count);
    }

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static string RandomToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(16, 64)));

    /// <summary>The right prefix, length and checksum (the format is public), but issued by nobody.</summary>
    private static string WellFormedUnknownKey()
    {
        var body = "ak_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return body + Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(body)).AsSpan(0, 6));
    }

    private static double? ReadRssMb(int? pid)
    {
        if (pid is null) return null;
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            ?? throw new IOException($"/proc/{pid}/status has no VmRSS line.");
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
