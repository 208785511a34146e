namespace Orleans.Align.Gateway.Api;

public sealed record CreateOrganizationRequest(string? Id, string? Name);
public sealed record CreateOrganizationResponse(string Id, string Name, string ApiKey);

public sealed record CreateDepartmentRequest(string? Id, string? Name);

public sealed record ActivityRequest(string? Department, string? Name, List<string?>? Metrics);
public sealed record LaunchWindowRequest(DateTimeOffset? Start, DateTimeOffset? End);

public sealed record CreateCampaignRequest(string? Id, string? Name, List<string?>? Departments, List<ActivityRequest?>? Activities, LaunchWindowRequest? Launch);

/// <summary><c>campaign</c>/<c>department</c> name one; <c>campaigns</c>/<c>departments</c> several; both may be given.</summary>
public sealed record GoalScopeRequest(string? Campaign, string? Department, List<string?>? Campaigns, List<string?>? Departments);

public sealed record CreateGoalRequest(
    string? Id,
    string? Title,
    string? Metric,
    double? Target,
    List<string?>? Owners,
    GoalScopeRequest? Scope,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    GoalKind? Kind,
    double? Baseline,
    string? Parent,
    double? Weight,
    RollUp? RollUp,
    ResetCadence? Reset);

public sealed record CheckInRequest(string? Department, int? Confidence, string? Note);

public sealed record AnnouncementRequest(string? From, List<string?>? To, string? Text, string? Campaign, string? Goal, bool? SalesFeedback);

public sealed record MetricTermRequest(string? Metric, double? Coefficient);
public sealed record FormulaRequest(List<MetricTermRequest?>? Numerator, List<MetricTermRequest?>? Denominator);
public sealed record CreateMetricRequest(string? Key, string? Name, MetricKind? Kind, string? Unit, bool? LowerIsBetter, FormulaRequest? Formula);

public sealed record SettingsRequest(double? OnTrackRatio, double? AtRiskRatio, double? StayTolerance, double? TrendWindowMinutes, double? TrendDrop, int? HighConfidence, int? LowConfidence);

public sealed record CreateReviewRequest(string? Id, string? Name);

public sealed record ReviewComparison(string ReviewId, string Name, DateTimeOffset FrozenAt, IReadOnlyList<GoalComparison> Goals);
public sealed record GoalComparison(string Id, string Title, double? Then, double? Now, double? Change, double? PercentThen, double? PercentNow, GoalStatus? StatusThen, GoalStatus? StatusNow);

public sealed record EventRequest(
    string? Id,
    string? Metric,
    double? Value,
    DateTimeOffset? Timestamp,
    string? Campaign,
    string? Department,
    string? Source);

public sealed record IngestRequest(List<EventRequest?>? Events);
public sealed record IngestResponse(int Accepted, int Duplicates);

public sealed record CreateApiKeyRequest(string? Name, List<string?>? Scopes);
public sealed record CreateApiKeyResponse(string Id, string Name, IReadOnlyList<string> Scopes, string ApiKey);
public sealed record ApiKeyResponse(string Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, bool Revoked);
