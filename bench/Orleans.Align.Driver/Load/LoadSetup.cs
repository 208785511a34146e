using Orleans.Align.Driver.Api;

namespace Orleans.Align.Driver.Load;

/// <summary>A fresh organization of this run: its ingest key sends the load, its admin key reads the goals.</summary>
public sealed record LoadTenant(string OrgId, AlignApiClient Admin, AlignApiClient Ingest);

/// <summary>Creates the run's organizations, each with the <see cref="LoadScenario"/> catalogue and goals.</summary>
public sealed class LoadSetup(HttpClient http, LoadOptions options, TextWriter output)
{
    private readonly TransientRetry _retry = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), giveUpAfter: TimeSpan.FromMinutes(1));

    public async Task<IReadOnlyList<LoadTenant>> RunAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stamp = now.UtcDateTime.ToString("yyyyMMdd-HHmmss-fff");
        var platform = new AlignApiClient(http, options.PlatformAdminKey);
        var tenants = new List<LoadTenant>(options.Organizations);
        for (var i = 0; i < options.Organizations; i++)
        {
            var orgId = options.Organizations == 1 ? $"{options.OrgPrefix}-{stamp}" : $"{options.OrgPrefix}-{stamp}-{i + 1}";
            // A 409 here means a retried attempt had landed and its answer, the only copy of the key, was
            // lost: the run stops with the gateway's message, and the next run takes a new timestamp.
            var created = await CallAsync(ct => platform.CreateOrganizationAsync(orgId, $"Load test {stamp}", ct), cancellationToken);

            var admin = platform.WithKey(created.ApiKey);
            await CreateAsync(ct => admin.CreateDepartmentAsync(LoadScenario.Department, ct), cancellationToken);
            await CreateAsync(ct => admin.CreateCampaignAsync(LoadScenario.Campaign, ct), cancellationToken);
            foreach (var goal in LoadScenario.Goals(now))
            {
                await CreateAsync(ct => admin.CreateGoalAsync(goal, ct), cancellationToken);
            }
            // Integrations hold ingest keys, not admin keys; the load goes through the same authorization they do.
            var ingestKey = await CallAsync(ct => admin.CreateApiKeyAsync("load driver", [ApiScopes.Ingest], ct), cancellationToken);
            tenants.Add(new LoadTenant(orgId, admin, admin.WithKey(ingestKey.ApiKey)));
        }

        output.WriteLine($"Created {tenants.Count} organization{(tenants.Count > 1 ? "s" : "")} ({string.Join(", ", tenants.Select(t => t.OrgId))}), " +
            $"each with department '{LoadScenario.DepartmentId}', campaign '{LoadScenario.CampaignId}' and goals " +
            $"{string.Join(", ", LoadScenario.GoalMetrics.Select(LoadScenario.GoalId))}.");
        return tenants;
    }

    /// <summary>A create whose first attempt landed answers 409 when retried, which is what we wanted.</summary>
    private async Task CreateAsync<T>(Func<CancellationToken, Task<T>> create, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(create, cancellationToken);
        }
        catch (AlignApiException ex) when (ex.IsConflict)
        {
        }
    }

    private Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        _retry.RunAsync(call, (failure, delay, _) =>
            output.WriteLine($"  gateway not ready ({TransientRetry.Describe(failure)}); trying again in {delay.TotalSeconds:0.0} s"),
            cancellationToken);
}
