namespace Orleans.Align;

[GenerateSerializer, Immutable, Alias("align.organization")]
public sealed record OrganizationInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable, Alias("align.department")]
public sealed record Department(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name);

/// <summary>What one department does in a campaign, and the metrics it is expected to move.</summary>
[GenerateSerializer, Immutable, Alias("align.activity")]
public sealed record CampaignActivity(
    [property: Id(0)] string Department,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Metrics);

[GenerateSerializer, Immutable, Alias("align.campaign")]
public sealed record Campaign(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Departments,
    [property: Id(3)] IReadOnlyList<CampaignActivity>? Activities = null,
    [property: Id(4)] DateTimeOffset? LaunchStart = null,
    [property: Id(5)] DateTimeOffset? LaunchEnd = null);

/// <summary>What the ingest log needs to know to validate events and route them to goals.</summary>
[GenerateSerializer, Immutable, Alias("align.routing")]
public sealed record OrganizationRouting(
    [property: Id(0)] IReadOnlyList<string> Departments,
    [property: Id(1)] IReadOnlyList<string> Campaigns,
    [property: Id(2)] IReadOnlyList<GoalDefinition> Goals,
    [property: Id(3)] IReadOnlyList<string>? BaseMetrics = null,
    [property: Id(4)] long Version = 0)
{
    /// <summary>Version 0: before the organization exists. Every catalogue change that routes raises the version.</summary>
    public static readonly OrganizationRouting Empty = new([], [], [], []);
}
