using Orleans.Align.Driver.Api;
using Orleans.Align.Driver.Scenario;

namespace Orleans.Align.Driver.Demo;

/// <summary>
/// Seeds the launch scenario into one organization, and can be run any number of times: what exists
/// is left as it is, and the keys come from the state file once the organization has been created.
/// </summary>
public sealed class DemoSetup(HttpClient http, DemoOptions options, TextWriter output)
{

    // Long enough for a gateway and silo that are still starting; short enough that a wrong URL is noticed.
    private readonly TransientRetry _retry = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), giveUpAfter: TimeSpan.FromMinutes(1));

    public async Task<DemoState> RunAsync(CancellationToken cancellationToken)
    {
        output.WriteLine($"Setting up organization '{options.Org}' on {options.GatewayText}");
        var state = await EnsureOrganizationAsync(cancellationToken);
        var org = new AlignApiClient(http, state.AdminApiKey);

        foreach (var department in LaunchScenario.Departments)
        {
            await CreateUnlessThereAsync($"department {department.Id}", ct => org.CreateDepartmentAsync(department, ct), cancellationToken);
        }
        await CreateUnlessThereAsync($"campaign {LaunchScenario.Campaign.Id}", ct => org.CreateCampaignAsync(LaunchScenario.Campaign, ct), cancellationToken);
        foreach (var activity in LaunchScenario.Activities(DateTimeOffset.UtcNow))
        {
            // Added, or changed to this run's dates: the campaign recounts its results from the log.
            await CallAsync(ct => org.SetActivityAsync(LaunchScenario.CampaignId, activity, ct), cancellationToken);
            Report($"activity {activity.Id}", "set");
        }
        foreach (var goal in LaunchScenario.Goals(DateTimeOffset.UtcNow))
        {
            // A goal seeded by an earlier run has that run's dates, so this one is refused with 409; the original stays.
            await CreateUnlessThereAsync($"goal {goal.Id}", ct => org.CreateGoalAsync(goal, ct), cancellationToken);
        }
        await CreateUnlessThereAsync($"rule {LaunchScenario.CoverageLanding.Id}", ct => org.CreateRuleAsync(LaunchScenario.CoverageLanding, ct), cancellationToken);
        foreach (var department in LaunchScenario.Departments)
        {
            // Every department checks in weekly on the goals it owns: its board shows when each is due.
            await CallAsync(ct => org.SetCheckInCadenceAsync(department.Id, 7, ct), cancellationToken);
            Report($"check-in cadence of {department.Id}", "every 7 days");
        }

        state = await EnsureBoardLinksAsync(org, state, cancellationToken);
        state = await EnsurePeopleAsync(org, state, cancellationToken);
        return state;
    }

    /// <summary>
    /// The demo's people, each with a password generated on the run that added them and kept in the
    /// state file (the gateway never shows a password, and shows a set-password token only once).
    /// </summary>
    private async Task<DemoState> EnsurePeopleAsync(AlignApiClient org, DemoState state, CancellationToken cancellationToken)
    {
        var people = (state.People ?? []).ToList();
        foreach (var (email, name, role, departments) in LaunchScenario.People)
        {
            if (people.Any(p => p.Email == email))
            {
                Report($"person {email}", "already there");
                continue;
            }
            try
            {
                var added = await CallAsync(ct => org.AddPersonAsync(email, name, role, departments, ct), cancellationToken);
                if (added.SetPasswordToken is not { } token)
                {
                    Report($"person {email}", "added (an existing account: its password is not the demo's)");
                    continue;
                }
                var password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y');
                await CallAsync(async ct => { await org.SetPasswordAsync(email, token, password, ct); return true; }, cancellationToken);
                people.Add(new DemoPerson(email, name, role, departments, password));
                state = state with { People = people };
                DemoStateFile.Save(options.StateFile, state);
                Report($"person {email}", $"added as {role}{(departments.Count > 0 ? " of " + string.Join(", ", departments) : "")}");
            }
            catch (AlignApiException ex) when (ex.IsConflict)
            {
                Report($"person {email}", $"already there, but its password is not in {options.StateFile}");
            }
        }
        return state;
    }

    private async Task<DemoState> EnsureOrganizationAsync(CancellationToken cancellationToken)
    {
        var known = DemoStateFile.Load(options.StateFile);
        if (known is not null && known.Org != options.Org)
            throw new DemoSetupException($"The state file {options.StateFile} belongs to organization '{known.Org}', not '{options.Org}'. Pass --org {known.Org}, or another --state-file.");

        var platform = new AlignApiClient(http, options.PlatformAdminKey);
        try
        {
            var created = await CallAsync(ct => platform.CreateOrganizationAsync(options.Org, LaunchScenario.OrganizationName, ct), cancellationToken);
            var state = new DemoState(options.GatewayText, options.Org, created.ApiKey, null);
            // Saved before anything else: this is the only time the gateway shows the admin key.
            try
            {
                DemoStateFile.Save(options.StateFile, state);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new DemoSetupException($"Organization '{options.Org}' was created, but its keys could not be saved to {options.StateFile} " +
                    $"({ex.Message}). Its admin key is {created.ApiKey}: keep it, or choose another --org.");
            }
            Report($"organization {options.Org}", known is null
                ? $"created, keys saved to {options.StateFile}"
                : $"created again (the gateway no longer had it, so the keys in {options.StateFile} are replaced)");
            return state;
        }
        catch (AlignApiException ex) when (ex.IsConflict)
        {
            if (known is null)
                throw new DemoSetupException(
                    $"Organization '{options.Org}' already exists on {options.GatewayText}, but there is no state file with its keys " +
                    $"({options.StateFile}), and the gateway shows a key only when it creates it. Either run from the folder (or with the " +
                    $"--state-file) of the run that created it, choose another --org, or reset the data: the silo's memory storage " +
                    "starts empty when the silo restarts.");

            await RequireAdminKeyAsync(known, cancellationToken);
            Report($"organization {options.Org}", $"already there, using the keys in {options.StateFile}");
            return known with { Gateway = options.GatewayText };
        }
    }

    private async Task RequireAdminKeyAsync(DemoState known, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(ct => new AlignApiClient(http, known.AdminApiKey).ListApiKeysAsync(ct), cancellationToken);
        }
        catch (AlignApiException ex) when (ex.IsUnauthorized)
        {
            throw new DemoSetupException(
                $"Organization '{options.Org}' exists on {options.GatewayText}, but it does not accept the admin key in {options.StateFile} " +
                $"(written for {known.Gateway}; the organization has been created again since, or the key was revoked). " +
                "Choose another --org, or reset the data (restart the silo) and delete the state file.");
        }
    }

    /// <summary>The boards the demo prints, each with its own wall-screen link (read-only, that board alone).</summary>
    public static IReadOnlyList<string> PrintedBoards =>
        [LaunchScenario.WarRoomBoard, LaunchScenario.OverviewBoard, .. LaunchScenario.Departments.Select(d => $"department:{d.Id}")];

    /// <summary>
    /// One board link per printed board, made once and kept in the state file: a link from an earlier run
    /// that still opens its board is kept (so a wall screen's URL survives a restart), any other is made anew.
    /// </summary>
    private async Task<DemoState> EnsureBoardLinksAsync(AlignApiClient org, DemoState state, CancellationToken cancellationToken)
    {
        var links = new Dictionary<string, string>(state.BoardLinks ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var board in PrintedBoards)
        {
            if (links.TryGetValue(board, out var link) && await OpensAsync(org.WithKey(link), board, cancellationToken))
            {
                Report($"board link {board}", "already there");
                continue;
            }
            var created = await CallAsync(ct => org.CreateBoardLinkAsync($"wall screen: {board}", board, ct), cancellationToken);
            links[board] = created.Link;
            Report($"board link {board}", $"created (id {created.Id})");
        }
        state = state with { BoardLinks = links };
        DemoStateFile.Save(options.StateFile, state);
        return state;
    }

    private async Task<bool> OpensAsync(AlignApiClient link, string board, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(ct => link.GetBoardAsync(board, ct), cancellationToken);
            return true;
        }
        catch (AlignApiException ex) when (ex.IsUnauthorized)
        {
            return false;
        }
    }

    private async Task<bool> IsAcceptedAsync(AlignApiClient client, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(client.ListGoalsAsync, cancellationToken);
            return true;
        }
        catch (AlignApiException ex) when (ex.IsUnauthorized)
        {
            return false;
        }
    }

    private async Task CreateUnlessThereAsync<T>(string what, Func<CancellationToken, Task<T>> create, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(create, cancellationToken);
            Report(what, "created");
        }
        catch (AlignApiException ex) when (ex.IsConflict)
        {
            Report(what, "already there");
        }
    }

    private Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        _retry.RunAsync(call, (failure, delay, _) =>
            output.WriteLine($"  gateway not ready ({TransientRetry.Describe(failure)}); trying again in {delay.TotalSeconds:0.0} s"),
            cancellationToken);

    private void Report(string what, string outcome) => output.WriteLine($"  {what,-28} {outcome}");
}
