namespace Orleans.Align.Driver.Api;

// The gateway's HTTP contract as a client sees it. The driver keeps its own copies instead of
// referencing the gateway or the grain contracts: it talks JSON like any integration would, so a
// change that breaks the wire format breaks the driver too.

public sealed record CreatedOrganization(string Id, string Name, string ApiKey);

public sealed record Department(string Id, string Name);

public sealed record Campaign(string Id, string Name, IReadOnlyList<string> Departments);

/// <summary>A target for one metric an activity moves, over its own period.</summary>
public sealed record ActivityTarget(string Metric, double Target, DateTimeOffset Start, DateTimeOffset End);

/// <summary>An activity as <c>PUT /api/v1/campaigns/{id}/activities/{activityId}</c> takes it (the id is in the path).</summary>
public sealed record CampaignActivity(
    [property: System.Text.Json.Serialization.JsonIgnore] string Id,
    string Department,
    string Name,
    IReadOnlyList<string> Metrics,
    IReadOnlyList<ActivityTarget> Targets);

/// <summary>Which events count toward a goal: all of them (both null), one campaign's, one department's, or both.</summary>
public sealed record GoalScope(string? Campaign = null, string? Department = null)
{
    public static readonly GoalScope All = new();
}

/// <summary>A trigger rule as <c>POST /api/v1/rules</c> takes it (<c>condition</c>: risesBy, fallsBy, above, below).</summary>
public sealed record TriggerRule(
    string Id,
    string Name,
    string Metric,
    GoalScope Scope,
    string Condition,
    double Threshold,
    double WindowMinutes,
    IReadOnlyList<string> Notify,
    string? Message = null);

public sealed record GoalDefinition(
    string Id,
    string Title,
    string Metric,
    double Target,
    IReadOnlyList<string> Owners,
    GoalScope Scope,
    DateTimeOffset Start,
    DateTimeOffset End);

public sealed record GoalView(
    string Id,
    string Title,
    string Metric,
    double? Progress, // null: a ratio with no denominator yet ("no data")
    double Target,
    IReadOnlyList<string> Owners,
    GoalScope Scope,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateTimeOffset UpdatedAt,
    long AppliedThrough,
    long EventCount,
    double? Percent);

public sealed record BoardSnapshot(string BoardId, string Title, long Version, IReadOnlyList<GoalView> Goals);

public sealed record CreatedApiKey(string Id, string Name, IReadOnlyList<string> Scopes, string ApiKey);

/// <summary>A new wall-screen board link: <c>Link</c> is the secret (shown once), <c>Url</c> the page that opens the board with it.</summary>
public sealed record CreatedBoardLink(string Id, string Name, string Board, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Link, string Url);

public sealed record ApiKeyInfo(string Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, bool Revoked);

/// <summary>One metric event. <see cref="Id"/> is the idempotency key: the gateway counts an id once.</summary>
public sealed record MetricEvent(
    string Id,
    string Metric,
    double Value,
    DateTimeOffset Timestamp,
    string? Campaign = null,
    string? Department = null,
    string? Source = null,
    string? Activity = null);

public sealed record IngestResult(int Accepted, int Duplicates);

/// <summary>What an API key may do. Admin implies ingest and read.</summary>
public static class ApiScopes
{
    public const string Admin = "admin";
    public const string Ingest = "ingest";
    public const string Read = "read";
}

/// <summary>An RFC 9457 problem document; <see cref="Errors"/> holds field messages of a validation problem.</summary>
public sealed record ProblemDocument(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    IReadOnlyDictionary<string, string[]>? Errors);

public sealed record AddedPerson(string Email, string DisplayName, string Role, IReadOnlyList<string> Departments, bool NewAccount, string? SetPasswordToken);
