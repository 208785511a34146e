using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>
/// CSV exports, one scheme for all: the JSON resource's path with <c>.csv</c> (<c>/goals/{goalId}/events.csv</c>,
/// <c>/feed.csv</c>, <c>/reviews/{reviewId}/comparison.csv</c>), answered as <c>text/csv</c> with a
/// header row. Exports stream: every page of a paged resource, written as it is read. Timestamps are
/// ISO 8601 in UTC, numbers are invariant (a dot for decimals), lists are separated by ';' as imports
/// read them. A text cell that starts with = + - @ (or a tab or CR) gets a leading ' (OWASP's advice
/// against CSV/formula injection: a spreadsheet then shows it as text instead of running it);
/// CsvHelper's writer does that for text only, so a negative number stays a number.
/// </summary>
public static class CsvExportEndpoints
{
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly CsvWriterOptions Options = new()
    {
        Injection = CsvInjection.Escape,
        FormatProvider = CultureInfo.InvariantCulture,
        TrueValue = "true",
        FalseValue = "false",
    };

    public static void MapCsvExports(this RouteGroupBuilder api)
    {
        api.MapGet("/goals/{goalId}/events.csv", ExportGoalEventsAsync).Requires(AlignAction.Read).WithTags("Goals").Authenticated().WritesCsv().Problems(404)
            .WithDescription("Every event behind the goal's value (all pages of GET /api/v1/goals/{goalId}/events), newest first, as CSV with the columns " +
                "of POST /api/v1/events/import: the file imports as it is into another organization with the same catalogue.");
        api.MapGet("/feed.csv", ExportFeedAsync).Requires(AlignAction.Read).WithTags("Feed").Authenticated().WritesCsv().Problems(400)
            .WithDescription("Every feed entry that the filters of GET /api/v1/feed select, newest first, as CSV.");
        api.MapGet("/reviews/{reviewId}/comparison.csv", ExportComparisonAsync).Requires(AlignAction.Read).WithTags("Reviews").Authenticated().WritesCsv().Problems(404)
            .WithDescription("GET /api/v1/reviews/{reviewId}/comparison as CSV: a row per goal, then and now.");
    }

    private static RouteHandlerBuilder WritesCsv(this RouteHandlerBuilder builder) =>
        builder.Produces(StatusCodes.Status200OK, typeof(string), "text/csv");

    // The columns of an export of events are the import's fields: one line per field.
    private static readonly (string Name, Action<CsvWriter, MetricEvent> Write)[] EventColumns =
    [
        ("id", (w, e) => w.WriteField(e.Id)),
        ("metric", (w, e) => w.WriteField(e.Metric)),
        ("value", (w, e) => w.WriteField<double>(e.Value, "R")),
        ("timestamp", (w, e) => w.WriteField(e.Timestamp.UtcDateTime, "O")),
        ("campaign", (w, e) => w.WriteField(e.Campaign)),
        ("department", (w, e) => w.WriteField(e.Department)),
        ("activity", (w, e) => w.WriteField(e.Activity)),
        ("source", (w, e) => w.WriteField(e.Source)),
        // A correction imports as one: its new value, what it corrects (put after it by the import, whatever the file's order).
        ("corrects", (w, e) => w.WriteField(e.Corrects)),
    ];

    private static async Task<IResult> ExportGoalEventsAsync(string goalId, HttpContext http, IClusterClient cluster)
    {
        if (await AlignmentEndpoints.ExistingGoalAsync(http, cluster, goalId) is null) return AlignmentEndpoints.GoalNotFound(goalId);
        var timeline = cluster.GetGrain<ITimelineGrain>(http.User.OrgId());
        return Csv(http, $"{goalId}-events.csv", [.. EventColumns.Select(c => c.Name)], async (csv, cancel) =>
        {
            long? before = null;
            do
            {
                var page = await timeline.GetGoalEventsAsync(goalId, before, InputLimits.MaxPage, cancel);
                foreach (var logged in page.Events)
                {
                    foreach (var (_, write) in EventColumns) write(csv, logged.Event);
                    await csv.EndRecordAsync(cancel);
                }
                before = page.NextBefore;
            }
            while (before is not null);
        });
    }

    private static readonly (string Name, Action<CsvWriter, FeedEntry> Write)[] FeedColumns =
    [
        ("id", (w, f) => w.WriteField<long>(f.Id, "")),
        ("kind", (w, f) => w.WriteField(Name(f.Kind))),
        ("at", (w, f) => w.WriteField(f.At.UtcDateTime, "O")),
        ("text", (w, f) => w.WriteField(f.Text)),
        ("department", (w, f) => w.WriteField(f.Department)),
        ("to", (w, f) => w.WriteField(List(f.To))),
        ("campaigns", (w, f) => w.WriteField(List(f.Campaigns))),
        ("goalId", (w, f) => w.WriteField(f.GoalId)),
        ("salesFeedback", (w, f) => w.WriteField(f.SalesFeedback)),
        ("reason", (w, f) => w.WriteField(f.Reason)),
        ("confidence", (w, f) => w.WriteField<int>(f.Confidence, "")),
        ("state", (w, f) => w.WriteField(f.State is { } s ? Name(s) : null)),
        ("since", (w, f) => w.WriteField(Time(f.Since))),
        ("acknowledgedBy", (w, f) => w.WriteField(f.AcknowledgedBy)),
        ("acknowledgedAt", (w, f) => w.WriteField(Time(f.AcknowledgedAt))),
        ("resolvedAt", (w, f) => w.WriteField(Time(f.ResolvedAt))),
    ];

    private static IResult ExportFeedAsync(string? department, string? campaign, string? kind, string? goal, string? state, HttpContext http, IClusterClient cluster)
    {
        var (v, query) = AlignmentEndpoints.FeedQueryOf(department, campaign, kind, goal, state, before: null, limit: InputLimits.MaxPage);
        if (query is null) return v.Problem();
        var feed = cluster.GetGrain<IFeedGrain>(http.User.OrgId());
        return Csv(http, "feed.csv", [.. FeedColumns.Select(c => c.Name)], async (csv, cancel) =>
        {
            var next = query;
            while (true)
            {
                var page = await feed.ListAsync(next);
                foreach (var entry in page)
                {
                    foreach (var (_, write) in FeedColumns) write(csv, entry);
                    await csv.EndRecordAsync(cancel);
                }
                if (page.Count < next.Limit) break;
                next = next with { Before = page[^1].Id };
            }
        });
    }

    private static readonly (string Name, Action<CsvWriter, GoalComparison> Write)[] ComparisonColumns =
    [
        ("id", (w, g) => w.WriteField(g.Id)),
        ("title", (w, g) => w.WriteField(g.Title)),
        ("then", (w, g) => w.WriteField<double>(g.Then, "R")),
        ("now", (w, g) => w.WriteField<double>(g.Now, "R")),
        ("change", (w, g) => w.WriteField<double>(g.Change, "R")),
        ("percentThen", (w, g) => w.WriteField<double>(g.PercentThen, "R")),
        ("percentNow", (w, g) => w.WriteField<double>(g.PercentNow, "R")),
        ("statusThen", (w, g) => w.WriteField(g.StatusThen is { } s ? Name(s) : null)),
        ("statusNow", (w, g) => w.WriteField(g.StatusNow is { } s ? Name(s) : null)),
    ];

    private static async Task<IResult> ExportComparisonAsync(string reviewId, HttpContext http, IClusterClient cluster)
    {
        if (await AlignmentEndpoints.ComparisonAsync(reviewId, http, cluster) is not { } comparison)
            return CatalogueEndpoints.NotFound($"Review {InputLimits.Echo(reviewId)} does not exist.");
        return Csv(http, $"{comparison.ReviewId}-comparison.csv", [.. ComparisonColumns.Select(c => c.Name)], async (csv, cancel) =>
        {
            foreach (var goal in comparison.Goals)
            {
                foreach (var (_, write) in ComparisonColumns) write(csv, goal);
                await csv.EndRecordAsync(cancel);
            }
        });
    }

    /// <summary>
    /// The answer: the header, then the rows as <paramref name="write"/> produces them, flushed as the
    /// writer's buffer fills (asynchronously: Kestrel refuses synchronous writes). What could be refused
    /// (a bad filter, an unknown id) was refused before; a failure mid-way ends the response early.
    /// </summary>
    private static IResult Csv(HttpContext http, string fileName, string[] header, Func<CsvWriter, CancellationToken, Task> write) =>
        Results.Stream(async body =>
        {
            var cancel = http.RequestAborted;
            await using var csv = CsvWriter.Create(body, Options, leaveOpen: true);
            csv.WriteHeader(header);
            await write(csv, cancel);
            await csv.FlushAsync(cancel);
        }, ContentType, fileName);

    private static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static string? List(IReadOnlyList<string>? values) => values is { Count: > 0 } ? string.Join(CsvSchema.ListSeparator, values) : null;

    private static string? Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
