using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Gateway.Hosting;
using Orleans.Align.Gateway.Limits;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>What became of one row of an events import.</summary>
public enum CsvEventOutcome { Accepted, Duplicate, Conflict }

/// <summary>
/// Row <c>row</c> (the header is row 1) with event id <c>id</c>: <c>accepted</c> (stored and counted),
/// <c>duplicate</c> (stored before with the same content) or <c>conflict</c> (the id is stored, at
/// <c>storedSequence</c>, with different content: not stored, not counted).
/// </summary>
public sealed record CsvEventRowResult(int Row, string Id, CsvEventOutcome Outcome, long? StoredSequence = null);

public sealed record CsvEventImportResponse(int Rows, int Accepted, int Duplicates, int Conflicts, IReadOnlyList<CsvEventRowResult> Results);

/// <summary>What became of one row of a goals import: <c>created</c>, or <c>unchanged</c> (the goal exists with this very definition).</summary>
public enum CsvGoalOutcome { Created, Unchanged }

public sealed record CsvGoalRowResult(int Row, string Id, CsvGoalOutcome Outcome);

public sealed record CsvGoalImportResponse(int Rows, int Created, int Unchanged, IReadOnlyList<CsvGoalRowResult> Results);

/// <summary>
/// CSV imports: a backfill of events from a spreadsheet or another tool's export, and goals. A file is
/// validated whole, with the JSON requests' own rules, before anything is stored: one bad row refuses
/// the file (422, every bad row listed), so a caller never has to work out which half was stored.
/// </summary>
public static class CsvImportEndpoints
{
    private static CsvSchema? _events, _goals;

    public static CsvSchema EventColumns(JsonSerializerOptions json) => _events ??= CsvSchema.For<EventRequest>(json);
    public static CsvSchema GoalColumns(JsonSerializerOptions json) => _goals ??= CsvSchema.For<CreateGoalRequest>(json);

    public static void MapCsvImports(this RouteGroupBuilder api, GatewayOptions options)
    {
        api.MapPost("/events/import", ImportEventsAsync)
            .Requires(AlignAction.IngestEvents)
            .WithTags("Events")
            .Authenticated()
            .ReadsCsv(options.MaxCsvImportBytes, EventColumns)
            .Answers<CsvEventImportResponse>()
            .WithDescription("Imports events from a CSV file (text/csv, UTF-8, comma separated, a header row): a backfill from a spreadsheet or another tool's export. " +
                "Columns are the JSON event's fields (id, metric, value, timestamp, campaign, department, activity, source, corrects); map other headers with map.<field>=<header> " +
                "and skip columns with ignore=<header>; any other column is refused (400). The file is validated whole with the rules of POST /api/v1/events: " +
                "a bad row refuses it (422, each bad row with its row number, column and message) and nothing is stored. Each row's id is its idempotency key: " +
                "the answer says per row whether it was accepted, a duplicate (sent before) or a conflict (the id is stored with different content). " +
                "A row that corrects an earlier event (corrects) and cannot be applied refuses its batch of rows (422, with refusals). " +
                "Numbers use a dot for decimals; timestamps are ISO 8601 (no timestamp: the time of the import).");

        api.MapPost("/goals/import", ImportGoalsAsync)
            .Requires(AlignAction.DefineGoal)
            .WithTags("Goals")
            .Authenticated()
            .ReadsCsv(options.MaxCsvImportBytes, GoalColumns)
            .Answers<CsvGoalImportResponse>()
            .WithDescription("Creates goals from a CSV file (text/csv): columns are the fields of POST /api/v1/goals (id, title, metric, target, owners, " +
                "scope.campaigns, scope.departments, start, end, kind, baseline, parent, weight, rollUp, reset); lists (owners, scope.*) are separated by ';'. " +
                "All or nothing: every row is validated and authorized as POST /api/v1/goals would (a lead defines goals only for departments it leads) before any " +
                "goal is created; a parent is an existing goal or one on an earlier row. A goal that exists with the same definition is 'unchanged'; with another " +
                "definition it is a bad row (change it with PUT /api/v1/goals/{goalId}).");
    }

    private static async Task<IResult> ImportEventsAsync(HttpContext http, IClusterClient cluster, IOptions<GatewayOptions> options, IOptions<JsonOptions> json,
        TimeProvider clock, EventRateLimiter limiter, OrganizationLimitsCache limitsCache)
    {
        var o = options.Value;
        var schema = EventColumns(json.Value.SerializerOptions);
        var (refusal, read) = await CsvImport.ReadAsync<EventRequest>(http, schema, json.Value.SerializerOptions, o.MaxCsvEventRows);
        if (refusal is not null) return refusal;
        var (records, errors) = read!;
        var orgId = http.User.OrgId();
        var routing = await cluster.GetGrain<IOrganizationGrain>(orgId).GetRoutingAsync();
        var now = clock.GetUtcNow();
        var events = new List<(int Row, MetricEvent Event)>(records.Count);
        foreach (var (row, request) in records)
        {
            var v = new Validation();
            var e = EventValidation.Validate(v, "", request, now);
            if (e is not null) Known(v, e, routing);
            if (e is not null && v.IsValid) events.Add((row, e));
            else errors.Add(row, v);
        }
        if (errors.Count > 0) return errors.Problem();
        if (events.Count == 0) return new Validation().Add("file", "has a header and no rows: nothing to import.").Problem();

        // The import takes its rows from the organization's events/s bucket, all or none, as one batch does.
        var limits = RequestRateLimiter.OrganizationLimitsOf(http) ?? await limitsCache.GetAsync(orgId);
        if (events.Count > limits.EventBurstPerOrganization)
            return new Validation().Add("file", $"has {events.Count} rows; this organization takes at most {limits.EventBurstPerOrganization} events at once: split the file.").Problem();
        if (limiter.TryAdmit(orgId, limits, events.Count) is { } refused)
            return RateLimitProblems.TooManyRequests(http, refused.RetryAfter, refused.Bucket.Describe("events"), refused.Bucket.Scope, "events");

        var log = cluster.GetGrain<IIngestLogGrain>(orgId);
        var results = new List<CsvEventRowResult>(events.Count);
        foreach (var batch in CorrectionsAfterWhatTheyCorrect(events).Chunk(o.MaxEventsPerBatch))
        {
            IngestResult result;
            try
            {
                result = await log.AppendAsync([.. batch.Select(b => b.Event)]).WaitAsync(o.IngestTimeout, http.RequestAborted);
            }
            catch (TimeoutException)
            {
                throw new AlignException(AlignErrorKind.Unavailable, results.Count == 0
                    ? "The event log did not acknowledge in time; nothing is acknowledged. Send the file again later."
                    : $"The event log did not acknowledge rows {batch[0].Row} to {batch[^1].Row} in time; the rows before them are stored. " +
                      "Send the same file again: the stored rows are then reported as duplicates.");
            }
            if (result.Refusals is { Count: > 0 } refusedCorrections)
            {
                // A correction the log cannot apply (unknown, another metric or scope, corrected already) refuses its batch whole.
                var refusals = refusedCorrections.Select(r => new Dictionary<string, object?>
                {
                    ["row"] = batch[r.Index].Row, ["id"] = r.Id, ["corrects"] = r.Corrects, ["reason"] = r.Reason.ToString(), ["detail"] = r.Detail, ["newerCorrection"] = r.NewerCorrection,
                }).ToList();
                return TypedResults.Problem(
                    detail: $"Row {batch[refusedCorrections[0].Index].Row}: {refusedCorrections[0].Detail} " + (results.Count == 0
                        ? "Nothing of the file was stored."
                        : $"Rows {batch[0].Row} and after were not stored; the rows before them are. Fix the file and send it again: the stored rows are then reported as duplicates."),
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "A correction cannot be applied",
                    extensions: new Dictionary<string, object?> { ["refusals"] = refusals });
            }
            var conflicts = (result.Conflicts ?? []).ToDictionary(c => c.Index);
            var duplicates = (result.DuplicateIndexes ?? []).ToHashSet();
            for (var i = 0; i < batch.Length; i++)
            {
                var (row, e) = batch[i];
                results.Add(conflicts.TryGetValue(i, out var conflict) ? new CsvEventRowResult(row, e.Id, CsvEventOutcome.Conflict, conflict.StoredSequence)
                    : duplicates.Contains(i) ? new CsvEventRowResult(row, e.Id, CsvEventOutcome.Duplicate)
                    : new CsvEventRowResult(row, e.Id, CsvEventOutcome.Accepted));
            }
        }
        results.Sort((x, y) => x.Row.CompareTo(y.Row));
        return TypedResults.Ok(new CsvEventImportResponse(results.Count,
            results.Count(r => r.Outcome == CsvEventOutcome.Accepted),
            results.Count(r => r.Outcome == CsvEventOutcome.Duplicate),
            results.Count(r => r.Outcome == CsvEventOutcome.Conflict),
            results));
    }

    /// <summary>
    /// The rows in the order the log can take them: a correction after the event it corrects when that is in the file too (a
    /// provenance export lists the newest first, so a correction comes before its original there), a chain's links in order;
    /// otherwise the file's order. Results are reported by row whatever the order.
    /// </summary>
    private static IEnumerable<(int Row, MetricEvent Event)> CorrectionsAfterWhatTheyCorrect(List<(int Row, MetricEvent Event)> events)
    {
        if (!events.Any(x => x.Event.Corrects is not null)) return events;
        var byId = new Dictionary<string, MetricEvent>(StringComparer.Ordinal);
        foreach (var (_, e) in events) byId.TryAdd(e.Id, e);
        int Depth(MetricEvent e)
        {
            // Bounded by the file's size: a cycle (a corrects b corrects a) stops there, and the log refuses it.
            var depth = 0;
            for (var at = e; at.Corrects is { } target && byId.TryGetValue(target, out var corrected) && depth <= events.Count; at = corrected) depth++;
            return depth;
        }
        return events.Select((x, index) => (x, index, depth: Depth(x.Event))).OrderBy(t => t.depth).ThenBy(t => t.index).Select(t => t.x);
    }

    /// <summary>
    /// What the organization's log would refuse for the whole batch (the same check, IngestLogGrain.Unknown),
    /// found here per row so that no batch of the file is stored before a later one is refused.
    /// </summary>
    private static void Known(Validation v, MetricEvent e, OrganizationRouting routing)
    {
        if (!(routing.BaseMetrics ?? []).Contains(e.Metric))
            v.Add("metric", $"{InputLimits.Echo(e.Metric)} is not a metric of this organization that events carry (ratios are computed from their parts; send those). See GET /api/v1/metrics.");
        if (e.Campaign is { } c && !routing.Campaigns.Contains(c)) v.Add("campaign", $"{InputLimits.Echo(c)} is not a campaign of this organization.");
        if (e.Department is { } d && !routing.Departments.Contains(d)) v.Add("department", $"{InputLimits.Echo(d)} is not a department of this organization.");
        if (e.Activity is { } a && e.Campaign is { } of && !((routing.Activities?.TryGetValue(of, out var activities) ?? false) && activities.Contains(a)))
            v.Add("activity", $"{InputLimits.Echo(a)} is not an activity of campaign {InputLimits.Echo(of)}.");
    }

    private static async Task<IResult> ImportGoalsAsync(HttpContext http, IClusterClient cluster, IOptions<GatewayOptions> options, IOptions<JsonOptions> json)
    {
        var schema = GoalColumns(json.Value.SerializerOptions);
        var (refusal, read) = await CsvImport.ReadAsync<CreateGoalRequest>(http, schema, json.Value.SerializerOptions, options.Value.MaxCsvGoalRows);
        if (refusal is not null) return refusal;
        var (records, errors) = read!;

        var goals = new List<(int Row, GoalDefinition Goal)>(records.Count);
        foreach (var (row, request) in records)
        {
            var (v, definition) = CatalogueEndpoints.ValidateGoal(request);
            if (definition is null) errors.Add(row, v);
            else goals.Add((row, definition));
        }
        if (errors.Count > 0) return errors.Problem();
        if (goals.Count == 0) return new Validation().Add("file", "has a header and no rows: nothing to import.").Problem();

        // Authorization first, as POST /api/v1/goals: a lead defines goals that a department it leads owns.
        var notAllowed = goals.Where(g => !http.User.Allows(AlignAction.DefineGoal, g.Goal.Owners)).ToList();
        if (notAllowed.Count > 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed",
                detail: $"Your role does not allow defining the goals of row(s) {string.Join(", ", notAllowed.Take(InputLimits.MaxErrorsShown).Select(g => g.Row))}: " +
                    "leads define goals that a department they lead owns. Nothing was created.");

        var org = cluster.GetGrain<IOrganizationGrain>(http.User.OrgId());
        var departments = (await org.ListDepartmentsAsync()).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var routing = await org.GetRoutingAsync();
        var campaigns = routing.Campaigns.ToHashSet(StringComparer.Ordinal);
        var metrics = (await org.ListMetricsAsync()).ToDictionary(m => m.Key, StringComparer.Ordinal);
        var inFile = new Dictionary<string, int>(StringComparer.Ordinal);
        var existing = new Dictionary<string, GoalDefinition>(StringComparer.Ordinal);
        var unchanged = new HashSet<int>();
        foreach (var (row, goal) in goals)
        {
            var v = new Validation();
            foreach (var owner in goal.Owners.Where(o => !departments.Contains(o))) v.Add("owners", $"{InputLimits.Echo(owner)} is not a department of this organization.");
            foreach (var d in goal.Scope.Departments.Where(d => !departments.Contains(d))) v.Add("scope.departments", $"{InputLimits.Echo(d)} is not a department of this organization.");
            foreach (var c in goal.Scope.Campaigns.Where(c => !campaigns.Contains(c))) v.Add("scope.campaigns", $"{InputLimits.Echo(c)} is not a campaign of this organization.");
            MetricDefinition? metric = null;
            if (goal.RollUp == RollUp.OwnMetric && !metrics.TryGetValue(goal.Metric, out metric))
                v.Add("metric", $"{InputLimits.Echo(goal.Metric)} is not a metric of this organization. See GET /api/v1/metrics.");
            if (!inFile.TryAdd(goal.Id, row)) v.Add("id", $"is also the id of row {inFile[goal.Id]}.");
            if (goal.ParentId is { } parentId)
            {
                if (parentId == goal.Id) v.Add("parent", "is the goal itself.");
                else if (inFile.TryGetValue(parentId, out _)) { /* created just before it */ }
                else if (await ExistingAsync(org, existing, parentId) is not { } parent) v.Add("parent", $"{InputLimits.Echo(parentId)} is neither a goal of this organization nor one on an earlier row.");
                else if (!parent.Owners.Any(owner => http.User.Allows(AlignAction.DefineGoal, [owner])))
                    return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed",
                        detail: $"Row {row} attaches a goal under {InputLimits.Echo(parentId)}, which no department you lead owns. Nothing was created.");
            }
            if (v.IsValid && await ExistingAsync(org, existing, goal.Id) is { } stored)
            {
                if (stored.SameAs(goal with { MetricDefinition = metric })) unchanged.Add(row);
                else v.Add("id", $"{InputLimits.Echo(goal.Id)} is a goal with another definition: change it with PUT /api/v1/goals/{goal.Id}.");
            }
            if (!v.IsValid) errors.Add(row, v);
        }
        if (errors.Count > 0) return errors.Problem();

        // In file order, so a parent on an earlier row exists before its children. The organization
        // checks each goal again: a concurrent change (a department archived meanwhile) can still
        // refuse a row after earlier ones were created; sending the same file again then reports
        // those as unchanged.
        var results = new List<CsvGoalRowResult>(goals.Count);
        foreach (var (row, goal) in goals)
        {
            if (unchanged.Contains(row))
            {
                results.Add(new CsvGoalRowResult(row, goal.Id, CsvGoalOutcome.Unchanged));
                continue;
            }
            await org.CreateGoalAsync(goal);
            results.Add(new CsvGoalRowResult(row, goal.Id, CsvGoalOutcome.Created));
        }
        var created = results.Count(r => r.Outcome == CsvGoalOutcome.Created);
        AuditRecorder.Detail(http, "rows", results.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AuditRecorder.Detail(http, "created", created.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return TypedResults.Ok(new CsvGoalImportResponse(results.Count, created, results.Count - created, results));
    }

    private static async Task<GoalDefinition?> ExistingAsync(IOrganizationGrain org, Dictionary<string, GoalDefinition> cache, string goalId)
    {
        if (cache.TryGetValue(goalId, out var known)) return known;
        var found = await org.GetGoalDefinitionAsync(goalId);
        if (found is not null) cache[goalId] = found;
        return found;
    }
}
