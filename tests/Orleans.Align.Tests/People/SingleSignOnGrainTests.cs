using Orleans.Align.Grains;
using Orleans.Align.Tests.Cluster;

namespace Orleans.Align.Tests.People;

/// <summary>An organization's SSO settings: stored as given, each change with a higher version, and never a version twice.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SingleSignOnGrainTests(ClusterFixture cluster)
{
    private static SsoSettings Settings(string clientId) =>
        new("https://login.example.com", clientId, "sealed-secret", ["example.com"], null, 0, default);

    [Fact]
    public async Task Each_change_gets_a_higher_version_even_after_single_sign_on_was_turned_off()
    {
        var sso = cluster.Client.GetGrain<ISingleSignOnGrain>($"sso-{Guid.NewGuid():N}"[..20]);
        Assert.Null(await sso.GetAsync());
        Assert.False(await sso.ClearAsync());

        var first = await sso.SetAsync(Settings("one"));
        var second = await sso.SetAsync(Settings("two") with { JoinAs = PersonRoles.Viewer });
        Assert.True(second.Version > first.Version);
        Assert.True(second.UpdatedAt >= first.UpdatedAt);
        var stored = await sso.GetAsync();
        Assert.Equal("two", stored!.ClientId);
        Assert.Equal(PersonRoles.Viewer, stored.JoinAs);
        Assert.Equal(["example.com"], stored.AllowedDomains);

        Assert.True(await sso.ClearAsync());
        Assert.Null(await sso.GetAsync());
        // A gateway may still hold version 2's options: the next configuration must not come back as version 2.
        var third = await sso.SetAsync(Settings("three"));
        Assert.True(third.Version > second.Version);
    }
}
