namespace Orleans.Align;

/// <summary>
/// An organization's own rate limits, set by the platform operator. A null value means "the gateway's
/// configured default" (<c>Align:Gateway:RateLimits</c>), so an organization nobody touched follows
/// configuration changes, and one value can be lowered without pinning the others.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.rate-limits")]
public sealed record OrganizationRateLimits(
    [property: Id(0)] int? RequestsPerSecondPerKey = null,
    [property: Id(1)] int? RequestBurstPerKey = null,
    [property: Id(2)] int? RequestsPerSecondPerOrganization = null,
    [property: Id(3)] int? RequestBurstPerOrganization = null,
    [property: Id(4)] int? EventsPerSecondPerOrganization = null,
    [property: Id(5)] int? EventBurstPerOrganization = null)
{
    /// <summary>The largest value any limit can take.</summary>
    public const int MaxValue = 1_000_000_000;

    public static readonly OrganizationRateLimits Defaults = new();

    /// <summary>The names of values that are not null and not between 1 and <see cref="MaxValue"/>.</summary>
    public IEnumerable<string> OutOfRange()
    {
        foreach (var (name, value) in Values())
        {
            if (value is < 1 or > MaxValue) yield return name;
        }
    }

    public IEnumerable<(string Name, int? Value)> Values()
    {
        yield return (nameof(RequestsPerSecondPerKey), RequestsPerSecondPerKey);
        yield return (nameof(RequestBurstPerKey), RequestBurstPerKey);
        yield return (nameof(RequestsPerSecondPerOrganization), RequestsPerSecondPerOrganization);
        yield return (nameof(RequestBurstPerOrganization), RequestBurstPerOrganization);
        yield return (nameof(EventsPerSecondPerOrganization), EventsPerSecondPerOrganization);
        yield return (nameof(EventBurstPerOrganization), EventBurstPerOrganization);
    }
}
