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

[GenerateSerializer, Immutable, Alias("align.campaign")]
public sealed record Campaign(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Departments);

/// <summary>What the ingest log needs to know to validate events and route them to goals.</summary>
[GenerateSerializer, Immutable, Alias("align.routing")]
public sealed record OrganizationRouting(
    [property: Id(0)] IReadOnlyList<string> Departments,
    [property: Id(1)] IReadOnlyList<string> Campaigns,
    [property: Id(2)] IReadOnlyList<GoalDefinition> Goals)
{
    public static readonly OrganizationRouting Empty = new([], [], []);
}
