using System.Text.Json;
using Orleans.Align.Driver.Api;

namespace Orleans.Align.LiveBench.Setup;

/// <summary>An organization of the benchmark: its admin key posts the events, its read key connects the viewers.</summary>
public sealed record BenchOrg(string Id, string AdminKey, string ReadKey, int Goals);

/// <summary>
/// What earlier runs created, so a run with 1,000 organizations sets them up once: the gateway shows an
/// organization's keys only when it creates them. Goal periods are fixed at the first set-up so that
/// creating a goal again is the same definition (answered 201), not a conflict.
/// </summary>
public sealed record BenchState(string Gateway, DateTimeOffset GoalsStart, DateTimeOffset GoalsEnd, List<BenchOrg> Orgs);

/// <summary>Organizations with <c>goals</c> goals each, created or reused through the gateway's API.</summary>
public sealed class BenchOrganizations(HttpClient http, string? platformAdminKey, string statePath, TextWriter output)
{
    public const string DepartmentId = "live";
    public const string BoardId = "overview";

    /// <summary>The additive metrics of the default catalogue: goal <c>live-i</c> counts metric i, so each event moves one goal.</summary>
    public static readonly IReadOnlyList<string> Metrics =
        ["leads", "visits", "conversions", "revenue", "new_customers", "impressions", "clicks", "engagements", "media_mentions", "orders", "spend"];

    public static string GoalId(int index) => $"live-{index}";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly Lock _gate = new();
    // Patient: creating 1,000 organizations on Azurite meets the wave of their goals' first alerts (5 min after each).
    private readonly TransientRetry _retry = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), giveUpAfter: TimeSpan.FromMinutes(10));

    public async Task<IReadOnlyList<BenchOrg>> EnsureAsync(string prefix, int count, int goals, CancellationToken cancellationToken)
    {
        var state = Load() ?? new BenchState(http.BaseAddress!.ToString(), DateTimeOffset.UtcNow.Date.AddDays(-1), DateTimeOffset.UtcNow.Date.AddDays(365), []);
        var known = state.Orgs.ToDictionary(o => o.Id, StringComparer.Ordinal);
        var ids = Enumerable.Range(1, count).Select(i => $"{prefix}-{i:0000}").ToList();
        var missing = ids.Where(id => !known.TryGetValue(id, out var org) || org.Goals < goals).ToList();
        if (missing.Count > 0) output.WriteLine($"Setting up {missing.Count} of {count} organizations ({goals} goals each); the rest are reused from {statePath}.");

        var done = 0;
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            known.TryGetValue(id, out var existing);
            var org = await SetUpAsync(id, existing, goals, state, ct);
            lock (_gate)
            {
                state.Orgs.RemoveAll(o => o.Id == id);
                state.Orgs.Add(org);
                if (++done % 25 == 0)
                {
                    Save(state);
                    output.WriteLine($"  {done} of {missing.Count} set up");
                }
            }
        });
        if (missing.Count > 0) Save(state);
        var byId = state.Orgs.ToDictionary(o => o.Id, StringComparer.Ordinal);
        return [.. ids.Select(id => byId[id])];
    }

    private async Task<BenchOrg> SetUpAsync(string id, BenchOrg? existing, int goals, BenchState state, CancellationToken ct)
    {
        string adminKey;
        if (existing is not null)
        {
            adminKey = existing.AdminKey;
        }
        else
        {
            if (platformAdminKey is null)
                throw new InvalidOperationException("Creating organizations needs the platform admin key: pass --platform-admin-key, set Align__PlatformAdminKey, or run from the folder whose .align/platform-admin-key run.sh wrote.");
            try
            {
                adminKey = (await CallAsync(c => new AlignApiClient(http, platformAdminKey).CreateOrganizationAsync(id, $"Live benchmark {id}", c), ct)).ApiKey;
            }
            catch (AlignApiException ex) when (ex.IsConflict)
            {
                throw new InvalidOperationException($"Organization '{id}' exists but {statePath} has no key for it (another state file, or a lost one): pass another --org-prefix.");
            }
        }

        var admin = new AlignApiClient(http, adminKey);
        await CreateAsync(c => admin.CreateDepartmentAsync(new Department(DepartmentId, "Live"), c), ct);
        for (var g = 0; g < goals; g++)
        {
            var definition = new GoalDefinition(GoalId(g), $"Live {Metrics[g]}", Metrics[g], 1e12, [DepartmentId], GoalScope.All, state.GoalsStart, state.GoalsEnd);
            await CreateAsync(c => admin.CreateGoalAsync(definition, c), ct);
        }
        var readKey = existing?.ReadKey ?? (await CallAsync(c => admin.CreateApiKeyAsync("live benchmark viewers", [ApiScopes.Read], c), ct)).ApiKey;
        return new BenchOrg(id, adminKey, readKey, goals);
    }

    private async Task CreateAsync<T>(Func<CancellationToken, Task<T>> create, CancellationToken ct)
    {
        try
        {
            await CallAsync(create, ct);
        }
        catch (AlignApiException ex) when (ex.IsConflict)
        {
            // Created by an earlier run or by a retried attempt of this one.
        }
    }

    private Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct) =>
        _retry.RunAsync(call, (failure, delay, _) => output.WriteLine($"  gateway busy ({TransientRetry.Describe(failure)}); trying again in {delay.TotalSeconds:0.0} s"), ct);

    private BenchState? Load()
    {
        if (!File.Exists(statePath)) return null;
        var state = JsonSerializer.Deserialize<BenchState>(File.ReadAllText(statePath), Json);
        if (state is null) return null;
        if (!Uri.TryCreate(state.Gateway, UriKind.Absolute, out var gateway) || gateway != http.BaseAddress)
            throw new InvalidOperationException($"{statePath} was made for {state.Gateway}, not {http.BaseAddress}: pass another --state-file.");
        return state;
    }

    private void Save(BenchState state)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(statePath))!;
        Directory.CreateDirectory(folder);
        var temporary = statePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, Json));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite); // it holds admin keys
        File.Move(temporary, statePath, overwrite: true);
    }
}
