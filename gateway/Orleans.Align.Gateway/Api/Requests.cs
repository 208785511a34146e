using System.ComponentModel.DataAnnotations;
using static Orleans.Align.Gateway.Api.InputLimits;

namespace Orleans.Align.Gateway.Api;

// Request bodies. Every member is nullable so that the endpoint's own validation can name each missing
// or wrong field in one problem document; the attributes say the same rules to the OpenAPI document
// (the endpoints enforce them, nothing here validates by itself). A member the record does not declare
// is refused (JsonUnmappedMemberHandling.Disallow, ApiInput.cs).

public sealed record CreateOrganizationRequest(
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Id,
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name);
public sealed record CreateOrganizationResponse(string Id, string Name, string ApiKey);

/// <summary>An organization's own rate limits (platform operator only); an omitted or null value means the gateways' configured default.</summary>
public sealed record RateLimitsRequest(
    [property: Range(1, OrganizationRateLimits.MaxValue)] int? RequestsPerSecondPerKey,
    [property: Range(1, OrganizationRateLimits.MaxValue)] int? RequestBurstPerKey,
    [property: Range(1, OrganizationRateLimits.MaxValue)] int? RequestsPerSecondPerOrganization,
    [property: Range(1, OrganizationRateLimits.MaxValue)] int? RequestBurstPerOrganization,
    [property: Range(1, OrganizationRateLimits.MaxValue)] int? EventsPerSecondPerOrganization,
    [property: Range(1, OrganizationRateLimits.MaxValue)] int? EventBurstPerOrganization);

/// <summary>What the operator set (<c>overrides</c>, null = default) and what this gateway enforces (<c>effective</c>).</summary>
public sealed record RateLimitsResponse(string Id, OrganizationRateLimits Overrides, Orleans.Align.Gateway.Limits.EffectiveRateLimits Effective);

/// <summary>A department's new name (its id never changes).</summary>
public sealed record RenameRequest(
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name);

public sealed record CreateDepartmentRequest(
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Id,
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name);

/// <summary>
/// A target for one metric the activity moves; <c>start</c>/<c>end</c> default to the campaign's
/// launch window (a target needs one or the other).
/// </summary>
public sealed record ActivityTargetRequest(
    [property: Required, StringLength(64, MinimumLength = 1), RegularExpression(MetricKeyPattern)] string? Metric,
    [property: Required, Range(-EventValidation.MaxAbsoluteValue, EventValidation.MaxAbsoluteValue)] double? Target,
    GoalKind? Kind,
    [property: Range(-EventValidation.MaxAbsoluteValue, EventValidation.MaxAbsoluteValue)] double? Baseline,
    DateTimeOffset? Start,
    DateTimeOffset? End);

/// <summary>An activity of a campaign: its id (events name it), the department in charge, the metrics it moves, optional targets.</summary>
public sealed record ActivityRequest(
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Id,
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Department,
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name,
    [property: MaxLength(MaxMetricsPerActivity)] List<string?>? Metrics,
    [property: MaxLength(MaxMetricsPerActivity)] List<ActivityTargetRequest?>? Targets);

/// <summary>The body of <c>PUT /api/v1/campaigns/{campaignId}/activities/{activityId}</c>: the activity without its id (the path names it).</summary>
public sealed record SetActivityRequest(
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Department,
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name,
    [property: MaxLength(MaxMetricsPerActivity)] List<string?>? Metrics,
    [property: MaxLength(MaxMetricsPerActivity)] List<ActivityTargetRequest?>? Targets);
public sealed record LaunchWindowRequest(DateTimeOffset? Start, DateTimeOffset? End);

public sealed record CreateCampaignRequest(
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Id,
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name,
    [property: MaxLength(MaxIdsPerList)] List<string?>? Departments,
    [property: MaxLength(MaxActivities)] List<ActivityRequest?>? Activities,
    LaunchWindowRequest? Launch);

/// <summary>
/// The body of <c>PUT /api/v1/campaigns/{campaignId}</c>: the campaign's whole editable definition, as on
/// creation (an omitted <c>departments</c> or <c>launch</c> is none). <c>id</c> may be given and is then
/// the path's; activities are changed one by one with <c>PUT .../activities/{activityId}</c>.
/// </summary>
public sealed record ChangeCampaignRequest(
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Id,
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name,
    [property: MaxLength(MaxIdsPerList)] List<string?>? Departments,
    LaunchWindowRequest? Launch);

/// <summary><c>campaign</c>/<c>department</c> name one; <c>campaigns</c>/<c>departments</c> several; both may be given.</summary>
public sealed record GoalScopeRequest(
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Campaign,
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Department,
    [property: MaxLength(MaxIdsPerList)] List<string?>? Campaigns,
    [property: MaxLength(MaxIdsPerList)] List<string?>? Departments);

public sealed record CreateGoalRequest(
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Id,
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Title,
    [property: StringLength(64, MinimumLength = 1), RegularExpression(MetricKeyPattern)] string? Metric,
    [property: Range(-EventValidation.MaxAbsoluteValue, EventValidation.MaxAbsoluteValue)] double? Target,
    [property: Required, Length(1, MaxIdsPerList)] List<string?>? Owners,
    GoalScopeRequest? Scope,
    [property: Required] DateTimeOffset? Start,
    [property: Required] DateTimeOffset? End,
    GoalKind? Kind,
    [property: Range(-EventValidation.MaxAbsoluteValue, EventValidation.MaxAbsoluteValue)] double? Baseline,
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Parent,
    [property: Range(0, 1000, MinimumIsExclusive = true)] double? Weight,
    RollUp? RollUp,
    ResetCadence? Reset);

public sealed record CheckInRequest(
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Department,
    [property: Required, Range(0, 10)] int? Confidence,
    [property: MaxLength(MaxNoteLength)] string? Note);

public sealed record AnnouncementRequest(
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? From,
    [property: MaxLength(MaxIdsPerList)] List<string?>? To,
    [property: Required, StringLength(MaxTextLength, MinimumLength = 1)] string? Text,
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Campaign,
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Goal,
    bool? SalesFeedback);

public sealed record MetricTermRequest(
    [property: Required, StringLength(64, MinimumLength = 1), RegularExpression(MetricKeyPattern)] string? Metric,
    [property: Range(-1e6, 1e6)] double? Coefficient);
public sealed record FormulaRequest(
    [property: MaxLength(MaxFormulaTerms)] List<MetricTermRequest?>? Numerator,
    [property: MaxLength(MaxFormulaTerms)] List<MetricTermRequest?>? Denominator);
public sealed record CreateMetricRequest(
    [property: Required, StringLength(64, MinimumLength = 1), RegularExpression(MetricKeyPattern)] string? Key,
    [property: Required, StringLength(MaxShortNameLength, MinimumLength = 1)] string? Name,
    [property: Required] MetricKind? Kind,
    [property: StringLength(MaxUnitLength, MinimumLength = 1)] string? Unit,
    bool? LowerIsBetter,
    FormulaRequest? Formula);

public sealed record SettingsRequest(
    [property: Range(0, 1, MinimumIsExclusive = true)] double? OnTrackRatio,
    [property: Range(0, 1, MinimumIsExclusive = true)] double? AtRiskRatio,
    [property: Range(0, 10)] double? StayTolerance,
    [property: Range(1, 720)] double? TrendWindowMinutes,
    [property: Range(0, 1, MinimumIsExclusive = true, MaximumIsExclusive = true)] double? TrendDrop,
    [property: Range(0, 10)] int? HighConfidence,
    [property: Range(0, 10)] int? LowConfidence,
    [property: Range(0, 1440)] double? AlertHoldMinutes,
    [property: StringLength(3, MinimumLength = 3), RegularExpression(OrganizationLocale.CurrencyPattern)] string? Currency = null,
    [property: StringLength(OrganizationLocale.MaxTimeZoneLength, MinimumLength = 1), RegularExpression(OrganizationLocale.TimeZonePattern)] string? TimeZone = null);

/// <summary>Who acknowledges an alert: a department of the organization, or (when omitted) the API key's name.</summary>
public sealed record AcknowledgeRequest(
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Department);

public sealed record CreateReviewRequest(
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Id,
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name);

public sealed record ReviewComparison(string ReviewId, string Name, DateTimeOffset FrozenAt, IReadOnlyList<GoalComparison> Goals);
public sealed record GoalComparison(string Id, string Title, double? Then, double? Now, double? Change, double? PercentThen, double? PercentNow, GoalStatus? StatusThen, GoalStatus? StatusNow);

/// <summary>
/// One metric event. <c>corrects</c>: the id of an earlier event of the organization that this one corrects, with
/// <c>value</c> the corrected value (0 retracts): the views change by the difference once. A correction keeps the
/// corrected event's metric, campaign, department and activity (leave them out, or name the same ones) and its
/// event time (its own <c>timestamp</c>, if given, is kept as when the correction was made).
/// </summary>
public sealed record EventRequest(
    [property: Required, StringLength(MaxEventIdLength, MinimumLength = 1)] string? Id,
    [property: Required, StringLength(64, MinimumLength = 1), RegularExpression(MetricKeyPattern)] string? Metric,
    [property: Required, Range(-EventValidation.MaxAbsoluteValue, EventValidation.MaxAbsoluteValue)] double? Value,
    DateTimeOffset? Timestamp,
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Campaign,
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Department,
    [property: MaxLength(MaxSourceLength)] string? Source,
    [property: StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Activity = null,
    [property: StringLength(MaxEventIdLength, MinimumLength = 1)] string? Corrects = null);

/// <summary>The batch's length is bounded by <c>Align:Gateway:MaxEventsPerBatch</c> (5,000 by default; the OpenAPI document states the configured value).</summary>
public sealed record IngestRequest([property: Required, MinLength(1)] List<EventRequest?>? Events);
/// <summary>
/// What became of a batch: <c>accepted</c> events are stored and counted; <c>duplicates</c> were stored
/// before with the same content; each of <c>conflicts</c> reuses a stored event's id with different
/// content and was neither stored nor counted.
/// </summary>
public sealed record IngestResponse(int Accepted, int Duplicates, IReadOnlyList<IngestConflictResponse> Conflicts);

/// <summary>The event at <c>index</c> of the batch reuses <c>id</c>, stored at log sequence <c>storedSequence</c> with different content.</summary>
public sealed record IngestConflictResponse(int Index, string Id, long StoredSequence);

/// <summary>409 when every event of a batch is a conflict: nothing was stored; <c>conflicts</c> names each one.</summary>
public sealed class IngestConflictProblem : Microsoft.AspNetCore.Mvc.ProblemDetails
{
    public required IReadOnlyList<IngestConflictResponse> Conflicts { get; init; }
    /// <summary>Also 409 when the batch corrects an event that was corrected already (<c>reason</c> <c>AlreadyCorrected</c>, naming <c>newerCorrection</c>): nothing was stored.</summary>
    public IReadOnlyList<IngestRefusalResponse>? Refusals { get; init; }
}

/// <summary>
/// The correction at <c>index</c> of the batch (<c>id</c>, correcting <c>corrects</c>) cannot be applied: <c>reason</c> says why,
/// <c>detail</c> in words; for <c>AlreadyCorrected</c>, <c>newerCorrection</c> is the id to correct instead.
/// </summary>
public sealed record IngestRefusalResponse(int Index, string Id, string Corrects, CorrectionRefusal Reason, string Detail, string? NewerCorrection);

/// <summary>422 when a correction names an event not in the organization's log, or another metric, campaign, department or activity than it: nothing of the batch was stored.</summary>
public sealed class IngestRefusedProblem : Microsoft.AspNetCore.Mvc.ProblemDetails
{
    public required IReadOnlyList<IngestRefusalResponse> Refusals { get; init; }
}

/// <summary>
/// A trigger rule: <c>metric</c> (additive) over <c>scope</c>, a <c>condition</c> (<c>risesBy</c>/<c>fallsBy</c>: <c>threshold</c>
/// in percent against the previous window; <c>above</c>/<c>below</c>: <c>threshold</c> as a total) over <c>windowMinutes</c>,
/// posting to the departments in <c>notify</c>.
/// </summary>
public sealed record CreateRuleRequest(
    [property: Required, StringLength(Identifiers.MaxLength, MinimumLength = 1), RegularExpression(IdPattern)] string? Id,
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name,
    [property: Required, StringLength(64, MinimumLength = 1), RegularExpression(MetricKeyPattern)] string? Metric,
    GoalScopeRequest? Scope,
    [property: Required] RuleCondition? Condition,
    [property: Required, Range(-EventValidation.MaxAbsoluteValue, EventValidation.MaxAbsoluteValue)] double? Threshold,
    [property: Required, Range(1, MaxRuleWindowMinutes)] double? WindowMinutes,
    [property: Required, Length(1, MaxIdsPerList)] List<string?>? Notify,
    [property: StringLength(MaxNoteLength)] string? Message);

/// <summary>A rule's new definition; its id is the path's.</summary>
public sealed record UpdateRuleRequest(
    [property: Required, StringLength(MaxNameLength, MinimumLength = 1)] string? Name,
    [property: Required, StringLength(64, MinimumLength = 1), RegularExpression(MetricKeyPattern)] string? Metric,
    GoalScopeRequest? Scope,
    [property: Required] RuleCondition? Condition,
    [property: Required, Range(-EventValidation.MaxAbsoluteValue, EventValidation.MaxAbsoluteValue)] double? Threshold,
    [property: Required, Range(1, MaxRuleWindowMinutes)] double? WindowMinutes,
    [property: Required, Length(1, MaxIdsPerList)] List<string?>? Notify,
    [property: StringLength(MaxNoteLength)] string? Message)
{
    public CreateRuleRequest For(string ruleId) => new(ruleId, Name, Metric, Scope, Condition, Threshold, WindowMinutes, Notify, Message);
}

/// <summary>A department's check-in cadence in days (fractions allowed); null or absent: no cadence.</summary>
public sealed record CheckInCadenceRequest(
    [property: Range(0, MaxCheckInEveryDays, MinimumIsExclusive = true)] double? EveryDays);

public sealed record CreateApiKeyRequest(
    [property: Required, StringLength(MaxShortNameLength, MinimumLength = 1)] string? Name,
    [property: Required, Length(1, MaxScopes)] List<string?>? Scopes);
public sealed record CreateApiKeyResponse(string Id, string Name, IReadOnlyList<string> Scopes, string ApiKey);
public sealed record ApiKeyResponse(string Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, bool Revoked);

/// <summary>A page of the events behind a goal's value, newest first; <c>next</c> is the link to the following page.</summary>
public sealed record GoalEventsPage(IReadOnlyList<GoalEventResponse> Events, string? Next);
/// <summary>
/// One event behind a goal's value. A correction also says what it <c>corrects</c> (the id, and its log sequence
/// <c>correctedSequence</c>), the value it replaced (<c>previous</c>), the <c>difference</c> it made, and when it was
/// made (<c>correctedAt</c>; its <c>timestamp</c> is the corrected event's).
/// </summary>
public sealed record GoalEventResponse(long Sequence, string Id, string Metric, double Value, DateTimeOffset Timestamp, string? Campaign, string? Department, string? Source,
    string? Corrects = null, long? CorrectedSequence = null, double? Previous = null, double? Difference = null, DateTimeOffset? CorrectedAt = null);
