using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>An organization's single sign-on settings (key: the organization id). Written by its admins, read by every gateway at each SSO sign-in.</summary>
[Alias("align.ISingleSignOnGrain")]
public interface ISingleSignOnGrain : IGrainWithStringKey
{
    /// <summary>The settings, or null when the organization has no single sign-on.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<SsoSettings?> GetAsync();

    /// <summary>Replaces the settings (their <c>Version</c> and <c>UpdatedAt</c> are set here) and returns them as stored.</summary>
    [Alias("Set")]
    Task<SsoSettings> SetAsync(SsoSettings settings);

    /// <summary>Turns single sign-on off; false when it was not on.</summary>
    [Alias("Clear")]
    Task<bool> ClearAsync();
}
