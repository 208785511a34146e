using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>
/// The alignment model: the metric catalogue, status settings, check-ins, the shared feed and
/// announcements, history, provenance, replay and reviews. Reads need the read scope; check-ins and
/// announcements the ingest scope (people and tools post them); configuration the admin scope.
/// </summary>
public static class AlignmentEndpoints
{
    public const int MaxPage = InputLimits.MaxPage;

    public static void MapAlignment(this RouteGroupBuilder api)
    {
        var metrics = api.MapGroup("/metrics").WithTags("Metrics").Authenticated();
        metrics.MapGet("", (HttpContext http, IClusterClient cluster) => Org(http, cluster).ListMetricsAsync()).Requires(AlignAction.Read);
        metrics.MapPost("", CreateMetricAsync).Requires(AlignAction.ManageCatalogue).Reads().Answers<MetricDefinition>(201).Problems(409);

        var settings = api.MapGroup("/settings").WithTags("Settings").Authenticated();
        settings.MapGet("", (HttpContext http, IClusterClient cluster) => Org(http, cluster).GetSettingsAsync()).Requires(AlignAction.Read);
        settings.MapPut("", UpdateSettingsAsync).Requires(AlignAction.ManageSettings).Reads().Answers<AlignmentSettings>()
            .WithDescription("Changes the settings the body names; an omitted one stays as it is. currency: an ISO 4217 code in use (\"EUR\"; default \"USD\"); " +
                "timeZone: an IANA time zone id (\"Europe/Berlin\"; default \"UTC\"). Example: {\"currency\":\"EUR\",\"timeZone\":\"Europe/Berlin\",\"alertHoldMinutes\":10}.");

        var goals = api.MapGroup("/goals/{goalId}").WithTags("Goals").Authenticated();
        goals.MapPost("/check-ins", CheckInAsync).Requires(AlignAction.CheckIn).Reads().Answers<GoalView>().Problems(404, 409);
        goals.MapGet("/history", HistoryAsync).Requires(AlignAction.Read).Answers<IReadOnlyList<HistoryPoint>>().Problems(400, 404);
        goals.MapGet("/events", ProvenanceAsync).Requires(AlignAction.Read).Answers<GoalEventsPage>().Problems(400, 404);

        var feed = api.MapGroup("/feed").WithTags("Feed").Authenticated();
        feed.MapGet("", ListFeedAsync).Requires(AlignAction.Read).Answers<IReadOnlyList<FeedEntry>>().Problems(400);
        feed.MapPost("/announcements", AnnounceAsync).Requires(AlignAction.Announce).Reads().Answers<FeedEntry>(201).Problems(404);
        feed.MapPost("/{entryId}/acknowledge", AcknowledgeAsync).Requires(AlignAction.AcknowledgeAlert).Reads().Answers<FeedEntry>().Problems(400, 404, 409);

        api.MapGet("/boards/{boardId}/replay", ReplayAsync).Requires(AlignAction.Read).WithTags("Boards").Authenticated()
            .Answers<BoardSnapshot>().Problems(400, 404);

        var reviews = api.MapGroup("/reviews").WithTags("Reviews").Authenticated();
        reviews.MapPost("", CreateReviewAsync).Requires(AlignAction.PublishReview).Reads().Answers<Review>(201).Problems(409);
        reviews.MapGet("", (HttpContext http, IClusterClient cluster) => Org(http, cluster).ListReviewsAsync()).Requires(AlignAction.Read);
        reviews.MapGet("/{reviewId}", GetReviewAsync).Requires(AlignAction.Read).Answers<Review>().Problems(404);
        reviews.MapGet("/{reviewId}/comparison", CompareReviewAsync).Requires(AlignAction.Read).Answers<ReviewComparison>().Problems(404);
    }

    private static IOrganizationGrain Org(HttpContext http, IClusterClient cluster) => cluster.GetGrain<IOrganizationGrain>(http.User.OrgId());

    private static IGoalGrain Goal(HttpContext http, IClusterClient cluster, string goalId) =>
        cluster.GetGrain<IGoalGrain>(GrainKeys.For(http.User.OrgId(), goalId));

    internal static async Task<GoalView?> ExistingGoalAsync(HttpContext http, IClusterClient cluster, string goalId) =>
        InputLimits.IsId(goalId) ? await Goal(http, cluster, goalId).GetAsync() : null;

    internal static IResult GoalNotFound(string goalId) => CatalogueEndpoints.NotFound($"Goal {InputLimits.Echo(goalId)} does not exist.");

    private static async Task<IResult> CreateMetricAsync(CreateMetricRequest request, HttpContext http, IClusterClient cluster)
    {
        var v = new Validation();
        if (!InputLimits.IsMetricKey(request.Key)) v.Add("key", request.Key is null ? "is required." : $"must be {MetricKeys.Rule}.");
        var name = v.Text("name", request.Name, InputLimits.MaxShortNameLength);
        var unit = v.Text("unit", request.Unit ?? "count", InputLimits.MaxUnitLength);
        if (request.Kind is not { } kind) { v.Add("kind", "is required: additive, gauge or ratio."); kind = MetricKind.Additive; }
        RatioFormula? formula = null;
        if (kind == MetricKind.Ratio)
        {
            var numerator = Terms(v, "formula.numerator", request.Formula?.Numerator);
            var denominator = Terms(v, "formula.denominator", request.Formula?.Denominator);
            if (numerator.Count == 0) v.Add("formula.numerator", "needs at least one term.");
            if (denominator.Count == 0) v.Add("formula.denominator", "needs at least one term.");
            formula = new RatioFormula(numerator, denominator);
        }
        else if (request.Formula is not null) v.Add("formula", "is only for ratio metrics.");
        if (!v.IsValid) return v.Problem();

        var metric = await Org(http, cluster).AddMetricAsync(new MetricDefinition(request.Key!, name!, kind, unit!, request.LowerIsBetter ?? false, formula));
        return TypedResults.Created($"/api/v1/metrics/{metric.Key}", metric);
    }

    private static List<MetricTerm> Terms(Validation v, string field, List<MetricTermRequest?>? terms)
    {
        var result = new List<MetricTerm>();
        if (!v.Count(field, terms, InputLimits.MaxFormulaTerms)) return result;
        for (var i = 0; i < terms!.Count; i++)
        {
            var term = terms[i];
            if (!InputLimits.IsMetricKey(term?.Metric)) { v.Add($"{field}[{i}].metric", $"must be {MetricKeys.Rule}."); continue; }
            var coefficient = term!.Coefficient ?? 1;
            if (!double.IsFinite(coefficient) || coefficient == 0 || Math.Abs(coefficient) > 1e6) { v.Add($"{field}[{i}].coefficient", "must be a non-zero number (at most 1e6 in size)."); continue; }
            result.Add(new MetricTerm(term.Metric!, coefficient));
        }
        return result;
    }

    /// <summary>The settings' JSON names whose values differ, for the audit entry.</summary>
    private static IEnumerable<string> ChangedSettings(AlignmentSettings before, AlignmentSettings after) =>
        typeof(AlignmentSettings).GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.CanWrite && !Equals(p.GetValue(before), p.GetValue(after)))
            .Select(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name));

    private static async Task<IResult> UpdateSettingsAsync(SettingsRequest request, HttpContext http, IClusterClient cluster)
    {
        var current = await Org(http, cluster).GetSettingsAsync();
        var next = new AlignmentSettings(
            request.OnTrackRatio ?? current.OnTrackRatio,
            request.AtRiskRatio ?? current.AtRiskRatio,
            request.StayTolerance ?? current.StayTolerance,
            request.TrendWindowMinutes ?? current.TrendWindowMinutes,
            request.TrendDrop ?? current.TrendDrop,
            request.HighConfidence ?? current.HighConfidence,
            request.LowConfidence ?? current.LowConfidence,
            request.AlertHoldMinutes ?? current.AlertHoldMinutes,
            request.Currency ?? current.Currency,
            request.TimeZone ?? current.TimeZone);
        var v = new Validation();
        if (request.Currency is not null && !OrganizationLocale.IsCurrency(request.Currency))
            v.Add("currency", "must be an ISO 4217 currency code in use, in capitals (USD, EUR, GBP, JPY...).");
        if (request.TimeZone is not null && !OrganizationLocale.IsTimeZone(request.TimeZone))
            v.Add("timeZone", "must be an IANA time zone id, spelt as the time zone database spells it (UTC, Europe/Berlin, America/New_York...).");
        if (next.OnTrackRatio is <= 0 or > 1) v.Add("onTrackRatio", "must be in (0, 1].");
        if (next.AtRiskRatio <= 0 || next.AtRiskRatio > next.OnTrackRatio) v.Add("atRiskRatio", "must be in (0, onTrackRatio].");
        if (next.StayTolerance is < 0 or > 10) v.Add("stayTolerance", "must be between 0 and 10.");
        if (next.TrendWindowMinutes is < 1 or > 720 || double.IsNaN(next.TrendWindowMinutes)) v.Add("trendWindowMinutes", "must be between 1 and 720 (history keeps a day of minutes).");
        if (next.TrendDrop is <= 0 or >= 1) v.Add("trendDrop", "must be in (0, 1).");
        if (next.HighConfidence is < 0 or > 10 || next.LowConfidence is < 0 or > 10 || next.LowConfidence >= next.HighConfidence)
            v.Add("highConfidence", "confidences are 0–10 and lowConfidence must be below highConfidence.");
        if (next.AlertHoldMinutes is < 0 or > 1440 || double.IsNaN(next.AlertHoldMinutes)) v.Add("alertHoldMinutes", "must be between 0 and 1440 (a day).");
        if (!v.IsValid) return v.Problem();
        var saved = await Org(http, cluster).UpdateSettingsAsync(next);
        AuditRecorder.Detail(http, "fields", string.Join(",", ChangedSettings(current, saved)));
        return TypedResults.Ok(saved);
    }

    private static async Task<IResult> CheckInAsync(string goalId, CheckInRequest request, HttpContext http, IClusterClient cluster, TimeProvider clock)
    {
        var v = new Validation();
        var department = v.Id("department", request.Department);
        if (request.Confidence is not (>= 0 and <= 10)) v.Add("confidence", "is required: a whole number from 0 to 10.");
        var note = v.Text("note", request.Note ?? "", InputLimits.MaxNoteLength, required: false) ?? "";
        if (!v.IsValid) return v.Problem();
        if (Policies.Departments(http, AlignAction.CheckIn, [department!]) is { } refused) return refused;
        if (await ExistingGoalAsync(http, cluster, goalId) is not { } goal) return GoalNotFound(goalId);
        var departments = await Org(http, cluster).ListDepartmentsAsync();
        if (!departments.Any(d => d.Id == department)) return new Validation().Add("department", $"{InputLimits.Echo(department)} is not a department of this organization.").Problem();
        return TypedResults.Ok(await Goal(http, cluster, goal.Id).CheckInAsync(new CheckIn(department!, request.Confidence!.Value, note, clock.GetUtcNow())));
    }

    private static async Task<IResult> HistoryAsync(string goalId, string? resolution, HttpContext http, IClusterClient cluster)
    {
        if (resolution is not (null or "minute" or "day"))
            return new Validation().Add("resolution", "must be 'minute' (the last day) or 'day' (the last 400 days).").Problem();
        if (await ExistingGoalAsync(http, cluster, goalId) is null) return GoalNotFound(goalId);
        return TypedResults.Ok(await Goal(http, cluster, goalId).GetHistoryAsync(daily: resolution == "day"));
    }

    private static async Task<IResult> ProvenanceAsync(string goalId, long? before, int? limit, HttpContext http, IClusterClient cluster)
    {
        var v = new Validation();
        if (before is <= 0) v.Add("before", "must be a positive sequence number.");
        if (limit is not null and (< 1 or > MaxPage)) v.Add("limit", $"must be between 1 and {MaxPage}.");
        if (!v.IsValid) return v.Problem();
        if (await ExistingGoalAsync(http, cluster, goalId) is null) return GoalNotFound(goalId);
        // Off the goal's turn, and abandoned with the request: a caller who gives up stops the reading.
        var page = await cluster.GetGrain<ITimelineGrain>(http.User.OrgId()).GetGoalEventsAsync(goalId, before, limit ?? 50, http.RequestAborted);
        return TypedResults.Ok(new GoalEventsPage(
            [.. page.Events.Select(e => e.Event.Corrects is { } corrects
                ? new GoalEventResponse(e.Sequence, e.Event.Id, e.Event.Metric, e.Event.Value, e.Event.Timestamp, e.Event.Campaign, e.Event.Department, e.Event.Source,
                    corrects, e.Event.CorrectedSequence, e.Event.Previous, e.Event.Amount, e.Event.CorrectedAt)
                : new GoalEventResponse(e.Sequence, e.Event.Id, e.Event.Metric, e.Event.Value, e.Event.Timestamp,
                    e.Event.Campaign, e.Event.Department, e.Event.Source))],
            page.NextBefore is { } n ? $"/api/v1/goals/{goalId}/events?before={n}&limit={limit ?? 50}" : null));
    }

    private static async Task<IResult> ListFeedAsync(string? department, string? campaign, string? kind, string? goal, string? state, long? before, int? limit, HttpContext http, IClusterClient cluster)
    {
        var (v, query) = FeedQueryOf(department, campaign, kind, goal, state, before, limit);
        if (query is null) return v.Problem();
        return TypedResults.Ok(await cluster.GetGrain<IFeedGrain>(http.User.OrgId()).ListAsync(query));
    }

    /// <summary>The feed's filters as the query names them, checked (shared by the JSON list and the CSV export).</summary>
    internal static (Validation Validation, FeedQuery? Query) FeedQueryOf(string? department, string? campaign, string? kind, string? goal, string? state, long? before, int? limit)
    {
        var v = new Validation();
        v.OptionalId("department", department);
        v.OptionalId("campaign", campaign);
        v.OptionalId("goal", goal);
        FeedKind? feedKind = null;
        if (kind is not null)
        {
            if (FeedKinds.TryGetValue(kind, out var k)) feedKind = k;
            else v.Add("kind", $"must be one of {string.Join(", ", FeedKinds.Keys)}.");
        }
        AlertState? alertState = null;
        if (state is not null)
        {
            if (AlertStates.TryGetValue(state, out var s)) alertState = s;
            else v.Add("state", $"must be one of {string.Join(", ", AlertStates.Keys)} (alerts in that state).");
        }
        if (before is <= 0) v.Add("before", "must be a positive feed entry id.");
        if (limit is not null and (< 1 or > MaxPage)) v.Add("limit", $"must be between 1 and {MaxPage}.");
        if (!v.IsValid) return (v, null);
        return (v, new FeedQuery(department, campaign, feedKind, goal, before, limit ?? 50, alertState));
    }

    private static readonly Dictionary<string, AlertState> AlertStates = new(StringComparer.OrdinalIgnoreCase)
    {
        ["open"] = AlertState.Open,
        ["acknowledged"] = AlertState.Acknowledged,
        ["resolved"] = AlertState.Resolved,
    };

    /// <summary>
    /// Someone is on it: an open alert becomes acknowledged, by a department or, when none is named,
    /// by the API key's name. The first acknowledgement stands; a resolved alert cannot be acknowledged.
    /// </summary>
    private static async Task<IResult> AcknowledgeAsync(string entryId, AcknowledgeRequest request, HttpContext http, IClusterClient cluster, TimeProvider clock)
    {
        var v = new Validation();
        if (!long.TryParse(entryId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) || id <= 0)
            v.Add("entryId", "must be a positive feed entry id.");
        var department = v.OptionalId("department", request.Department);
        if (!v.IsValid) return v.Problem();
        if (Policies.Departments(http, AlignAction.AcknowledgeAlert, department is null ? [] : [department]) is { } refused) return refused;

        string by;
        if (department is null && http.User.IsPerson())
        {
            by = http.User.FindFirst(AlignClaims.Name)?.Value ?? http.User.EmailOf() ?? "unknown person";
        }
        else if (department is not null)
        {
            var departments = await Org(http, cluster).ListDepartmentsAsync();
            if (!departments.Any(d => d.Id == department)) return new Validation().Add("department", $"{InputLimits.Echo(department)} is not a department of this organization.").Problem();
            by = department;
        }
        else
        {
            var keyId = http.User.FindFirst(AlignClaims.KeyId)?.Value;
            var keys = await Org(http, cluster).ListApiKeysAsync();
            by = keys.FirstOrDefault(k => k.KeyId == keyId)?.Name ?? keyId ?? "unknown key";
        }
        var entry = await cluster.GetGrain<IFeedGrain>(http.User.OrgId()).AcknowledgeAsync(id, by, clock.GetUtcNow());
        return entry is null ? CatalogueEndpoints.NotFound($"Feed entry {id} does not exist.") : TypedResults.Ok(entry);
    }

    // Spelled as the JSON spells them; an explicit table, because Enum.TryParse also accepts "1" and "a,b".
    private static readonly Dictionary<string, FeedKind> FeedKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["checkIn"] = FeedKind.CheckIn,
        ["announcement"] = FeedKind.Announcement,
        ["statusChange"] = FeedKind.StatusChange,
        ["alert"] = FeedKind.Alert,
    };

    private static async Task<IResult> AnnounceAsync(AnnouncementRequest request, HttpContext http, IClusterClient cluster, TimeProvider clock)
    {
        var v = new Validation();
        var from = v.Id("from", request.From);
        var to = v.Ids("to", request.To);
        var text = v.Text("text", request.Text, InputLimits.MaxTextLength);
        var campaign = v.OptionalId("campaign", request.Campaign);
        var goalId = v.OptionalId("goal", request.Goal);
        var salesFeedback = request.SalesFeedback ?? false;
        if (salesFeedback && goalId is null) v.Add("goal", "sales feedback names the goal it is about.");
        if (!v.IsValid) return v.Problem();
        if (Policies.Departments(http, AlignAction.Announce, [from!]) is { } refused) return refused;

        var org = Org(http, cluster);
        var departments = (await org.ListDepartmentsAsync()).Select(d => d.Id).ToHashSet();
        var problems = new Validation();
        if (!departments.Contains(from!)) problems.Add("from", $"'{from}' is not a department of this organization.");
        var unknown = to.Where(d => !departments.Contains(d)).ToList();
        if (unknown.Count > 0)
            problems.Add("to", $"unknown department(s): {string.Join(", ", unknown.Take(InputLimits.MaxErrorsShown))}{(unknown.Count > InputLimits.MaxErrorsShown ? $" and {unknown.Count - InputLimits.MaxErrorsShown} more" : "")}.");
        if (!problems.IsValid) return problems.Problem();
        if (campaign is not null && !(await org.ListCampaignsAsync()).Any(c => c.Id == campaign))
            return new Validation().Add("campaign", $"{InputLimits.Echo(campaign)} is not a campaign of this organization.").Problem();
        GoalView? goal = null;
        if (goalId is not null && (goal = await ExistingGoalAsync(http, cluster, goalId)) is null) return GoalNotFound(goalId);

        var campaigns = campaign is not null ? [campaign] : goal?.Scope.Campaigns ?? [];
        var feed = cluster.GetGrain<IFeedGrain>(http.User.OrgId());
        var now = clock.GetUtcNow();
        var entry = await feed.PostAsync(new FeedEntry(0, FeedKind.Announcement, now, text!, from, to, campaigns, goalId, salesFeedback));
        if (salesFeedback)
        {
            // Feedback from the field on a goal is a realignment trigger in itself.
            await feed.PostAsync(new FeedEntry(0, FeedKind.Alert, now, $"Sales feedback on \"{goal!.Title}\": {text}", from, to, campaigns, goalId, true, AlertReasons.SalesFeedback));
        }
        return TypedResults.Created($"/api/v1/feed?before={entry.Id + 1}&limit=1", entry);
    }

    private static async Task<IResult> ReplayAsync(string boardId, DateTimeOffset? at, HttpContext http, IClusterClient cluster, TimeProvider clock)
    {
        if (!BoardIds.IsValid(boardId)) return CatalogueEndpoints.NotFound($"Board {InputLimits.Echo(boardId)} does not exist; boards are {BoardIds.Rule}.");
        if (at is not { } moment) return new Validation().Add("at", "is required: the moment to replay, e.g. 2026-09-01T10:30:00Z.").Problem();
        if (moment > clock.GetUtcNow()) return new Validation().Add("at", "must not be in the future.").Problem();
        return TypedResults.Ok(await cluster.GetGrain<ITimelineGrain>(http.User.OrgId()).ReplayBoardAsync(boardId, moment.ToUniversalTime(), http.RequestAborted));
    }

    private static async Task<IResult> CreateReviewAsync(CreateReviewRequest request, HttpContext http, IClusterClient cluster)
    {
        var v = new Validation();
        var id = v.Id("id", request.Id);
        var name = v.Text("name", request.Name, InputLimits.MaxNameLength);
        if (!v.IsValid) return v.Problem();
        var review = await Org(http, cluster).AddReviewAsync(id!, name!);
        return TypedResults.Created($"/api/v1/reviews/{review.Id}", review);
    }

    private static async Task<Review?> ExistingReviewAsync(string reviewId, HttpContext http, IClusterClient cluster) =>
        InputLimits.IsId(reviewId) ? await cluster.GetGrain<IReviewGrain>(GrainKeys.For(http.User.OrgId(), reviewId)).GetAsync() : null;

    private static async Task<IResult> GetReviewAsync(string reviewId, HttpContext http, IClusterClient cluster) =>
        await ExistingReviewAsync(reviewId, http, cluster) is { } review ? TypedResults.Ok(review) : CatalogueEndpoints.NotFound($"Review {InputLimits.Echo(reviewId)} does not exist.");

    /// <summary>Every goal of the review, then and now. Goals created since the review show no "then".</summary>
    private static async Task<IResult> CompareReviewAsync(string reviewId, HttpContext http, IClusterClient cluster) =>
        await ComparisonAsync(reviewId, http, cluster) is { } comparison ? TypedResults.Ok(comparison) : CatalogueEndpoints.NotFound($"Review {InputLimits.Echo(reviewId)} does not exist.");

    /// <summary>The comparison, or null when the organization has no such review.</summary>
    internal static async Task<ReviewComparison?> ComparisonAsync(string reviewId, HttpContext http, IClusterClient cluster)
    {
        if (await ExistingReviewAsync(reviewId, http, cluster) is not { } review) return null;
        var now = (await Org(http, cluster).ListGoalsAsync()).ToDictionary(g => g.Id);
        var then = review.Goals.ToDictionary(g => g.Id);
        var rows = now.Keys.Union(then.Keys).Order(StringComparer.Ordinal).Select(id =>
        {
            then.TryGetValue(id, out var t);
            now.TryGetValue(id, out var n);
            return new GoalComparison(id, (n ?? t)!.Title, t?.Progress, n?.Progress, n?.Progress - t?.Progress,
                t?.Percent, n?.Percent, t?.Status, n?.Status);
        }).ToList();
        return new ReviewComparison(review.Id, review.Name, review.FrozenAt, rows);
    }
}
