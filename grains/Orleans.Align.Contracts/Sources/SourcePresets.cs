namespace Orleans.Align.Sources;

/// <summary>
/// What each tool sends, as a mapping an organization starts from (and may override in part):
/// HubSpot's new contacts are leads and its deals moved to closed won are new customers (HubSpot's
/// webhook carries no deal amount, so no revenue: add a rule on a property you send yourself, or send
/// revenue through the events API); Shopify's created orders are orders and revenue; Stripe's
/// completed checkout sessions are revenue (minor units of the session's currency) and new customers.
/// Standard Webhooks has no preset: its rules are the organization's.
/// </summary>
public static class SourcePresets
{
    public static IReadOnlyList<SourceRule> RulesOf(SourceScheme scheme) => scheme switch
    {
        SourceScheme.Hubspot =>
        [
            new SourceRule("contact.creation", "leads", Value: 1),
            new SourceRule("deal.propertyChange", "new_customers", Value: 1,
                Where: new Dictionary<string, string> { ["/propertyName"] = "dealstage", ["/propertyValue"] = "closedwon" }),
        ],
        SourceScheme.Shopify =>
        [
            new SourceRule("orders/create", "orders", Value: 1),
            new SourceRule("orders/create", "revenue", ValueField: "/total_price"),
        ],
        SourceScheme.Stripe =>
        [
            new SourceRule("checkout.session.completed", "revenue", ValueField: "/data/object/amount_total", CurrencyField: "/data/object/currency"),
            new SourceRule("checkout.session.completed", "new_customers", Value: 1),
        ],
        _ => [],
    };

    /// <summary>The preset's mapping with what the organization set over it.</summary>
    public static SourceMapping Effective(SourceScheme scheme, SourceMapping? overrides) =>
        overrides is null ? new SourceMapping(RulesOf(scheme))
        : overrides with { Rules = overrides.Rules.Count > 0 ? overrides.Rules : RulesOf(scheme) };

    /// <summary>The scheme as the API spells it (<c>standard-webhooks</c>).</summary>
    public static string Name(SourceScheme scheme) => scheme == SourceScheme.StandardWebhooks ? "standard-webhooks" : scheme.ToString().ToLowerInvariant();

    /// <summary>Sources one organization may have.</summary>
    public const int MaxSources = 100;

    /// <summary>A JSON pointer (RFC 6901) as a mapping may name one: '/' then the path, at most 200 characters.</summary>
    public static bool IsPointer(string? value) => value is { Length: > 1 and <= 200 } && value[0] == '/' && !value.Any(char.IsControl);

    /// <summary>Whether the scheme's secret may be generated here (Standard Webhooks) or comes from the tool (the other three).</summary>
    public static bool GeneratesSecret(SourceScheme scheme) => scheme == SourceScheme.StandardWebhooks;
}
