namespace Orleans.Align.Grains.People;

[GenerateSerializer, Alias("align.sso-state")]
public sealed class SingleSignOnState
{
    [Id(0)] public SsoSettings? Settings { get; set; }
    /// <summary>The last version given out, kept when single sign-on is turned off, so a new configuration never reuses a version a gateway cached.</summary>
    [Id(1)] public long LastVersion { get; set; }
}

/// <summary>
/// An organization's single sign-on settings (<see cref="ISingleSignOnGrain"/>): a grain of their own, so
/// that the gateways' frequent reads at sign-in never queue behind the organization's catalogue work.
/// </summary>
public sealed class SingleSignOnGrain(
    [PersistentState("sso", StorageNames.Align)] IPersistentState<SingleSignOnState> state,
    TimeProvider clock) : Grain, ISingleSignOnGrain
{
    public Task<SsoSettings?> GetAsync() => Task.FromResult(state.State.Settings);

    public async Task<SsoSettings> SetAsync(SsoSettings settings)
    {
        var version = state.State.LastVersion + 1;
        var stored = settings with { AllowedDomains = [.. settings.AllowedDomains], Version = version, UpdatedAt = clock.GetUtcNow() };
        await WriteAsync(stored, version);
        return stored;
    }

    public async Task<bool> ClearAsync()
    {
        if (state.State.Settings is null) return false;
        await WriteAsync(null, state.State.LastVersion);
        return true;
    }

    /// <summary>Stores, or leaves the state as it was when the write fails.</summary>
    private async Task WriteAsync(SsoSettings? settings, long version)
    {
        var (before, beforeVersion) = (state.State.Settings, state.State.LastVersion);
        state.State.Settings = settings;
        state.State.LastVersion = version;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Settings = before;
            state.State.LastVersion = beforeVersion;
            throw;
        }
    }
}
