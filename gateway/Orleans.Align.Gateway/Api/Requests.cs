namespace Orleans.Align.Gateway.Api;

public sealed record CreateOrganizationRequest(string? Id, string? Name);
public sealed record CreateOrganizationResponse(string Id, string Name, string ApiKey);

public sealed record CreateDepartmentRequest(string? Id, string? Name);

public sealed record CreateCampaignRequest(string? Id, string? Name, List<string?>? Departments);

public sealed record GoalScopeRequest(string? Campaign, string? Department);

public sealed record CreateGoalRequest(
    string? Id,
    string? Title,
    string? Metric,
    double? Target,
    List<string?>? Owners,
    GoalScopeRequest? Scope,
    DateTimeOffset? Start,
    DateTimeOffset? End);

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
