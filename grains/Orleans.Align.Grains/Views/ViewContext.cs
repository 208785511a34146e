namespace Orleans.Align.Grains.Views;

/// <summary>
/// What a campaign or department view needs from its organization to turn parts into values: the
/// metric catalogue (to derive every ratio) and the status settings (to judge pace). Read on
/// activation; the settings again whenever the organization changes them (it tells every view), the
/// catalogue again when the parts name a metric it does not know yet (one added since).
/// </summary>
public sealed class ViewContext(IGrainFactory grains, string orgId)
{
    public IReadOnlyList<MetricDefinition> Catalogue { get; private set; } = MetricCatalogue.Defaults;
    public AlignmentSettings Settings { get; private set; } = AlignmentSettings.Default;

    private IOrganizationGrain Organization => grains.GetGrain<IOrganizationGrain>(orgId);

    public async Task LoadAsync()
    {
        Settings = await Organization.GetSettingsAsync();
        Catalogue = await Organization.ListMetricsAsync();
    }

    /// <summary>The organization told its new settings (it tells every view when they change).</summary>
    public void Use(AlignmentSettings settings) => Settings = settings;

    public async Task RefreshIfUnknownAsync(IEnumerable<string> metrics)
    {
        if (metrics.All(m => Catalogue.Any(d => d.Key == m))) return;
        Catalogue = await Organization.ListMetricsAsync();
    }
}
