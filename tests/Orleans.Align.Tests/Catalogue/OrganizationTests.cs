using Orleans.Align.Grains;
using Orleans.Align.Tests.Cluster;

namespace Orleans.Align.Tests.Catalogue;

/// <summary>An organization refuses a command whole: nothing of it stays behind.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OrganizationTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_refused_creation_leaves_no_organization_behind()
    {
        var sharedHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
        var first = cluster.Client.GetGrain<IOrganizationGrain>($"t-{Guid.NewGuid():N}"[..20]);
        var second = cluster.Client.GetGrain<IOrganizationGrain>($"t-{Guid.NewGuid():N}"[..20]);
        await first.CreateAsync("First", sharedHash);

        var refused = await Assert.ThrowsAsync<AlignException>(() => second.CreateAsync("Second", sharedHash));

        Assert.Equal(AlignErrorKind.Conflict, refused.Kind);
        Assert.Null(await second.GetAsync());
        var notFound = await Assert.ThrowsAsync<AlignException>(() => second.AddDepartmentAsync(new Department("sales", "Sales")));
        Assert.Equal(AlignErrorKind.NotFound, notFound.Kind);
    }

    [Fact]
    public async Task A_key_that_is_already_registered_is_not_added_to_the_organization()
    {
        var hash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
        var org = cluster.Client.GetGrain<IOrganizationGrain>($"t-{Guid.NewGuid():N}"[..20]);
        await org.CreateAsync("Org", hash);

        await Assert.ThrowsAsync<AlignException>(() => org.IssueApiKeyAsync("again", [Scopes.Read], hash, issuerKeyHash: hash));

        Assert.Single(await org.ListApiKeysAsync());
    }
}
