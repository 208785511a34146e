using System.Security.Cryptography;
using System.Text;
using Orleans.Align.Grains;
using Orleans.Align.Tests.Cluster;

namespace Orleans.Align.Tests.Catalogue;

/// <summary>Keys are looked up without activating anything, revoked authoritatively, and announced on the revocation feed.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ApiKeyLookupTests(ClusterFixture cluster)
{
    private IApiKeyLookupGrain Lookup => cluster.Client.GetGrain<IApiKeyLookupGrain>(0);

    private IKeyRevocationsGrain Feed => cluster.Client.GetGrain<IKeyRevocationsGrain>(0);

    private static string NewHash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Guid.NewGuid().ToString())));

    private async Task<int> ApiKeyGrainActivationsAsync()
    {
        var stats = await cluster.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return stats.Where(s => s.GrainType.EndsWith(".ApiKeyGrain", StringComparison.Ordinal) || s.GrainType == "ApiKeyGrain").Sum(s => s.ActivationCount);
    }

    /// <summary>Every activation except the memory storage provider's own (a fixed set of grains that holds all state in these tests).</summary>
    private async Task<Dictionary<string, int>> ActivationsAsync()
    {
        var stats = await cluster.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return stats.Where(s => !s.GrainType.Contains("MemoryStorageGrain", StringComparison.Ordinal))
            .GroupBy(s => s.GrainType).ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));
    }

    [Fact]
    public async Task Looking_up_unknown_keys_activates_no_grain()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Lookup.FindAsync(NewHash()))); // the silo's lookup workers
        var keyGrains = await ApiKeyGrainActivationsAsync();
        var before = await ActivationsAsync();

        for (var i = 0; i < 200; i++) Assert.Null(await Lookup.FindAsync(NewHash()));
        Assert.Null(await Lookup.FindAsync("not-a-hash"));

        var after = await ActivationsAsync();
        Assert.Equal(keyGrains, await ApiKeyGrainActivationsAsync());
        var added = after.Where(a => a.Value > before.GetValueOrDefault(a.Key)).Select(a => $"{a.Key} +{a.Value - before.GetValueOrDefault(a.Key)}").ToList();
        Assert.True(after.Values.Sum() - before.Values.Sum() < 3, "200 unknown keys activated grains: " + string.Join(", ", added));
    }

    [Fact]
    public async Task A_registered_key_is_found_and_a_revoked_one_is_not()
    {
        var orgId = $"t-{Guid.NewGuid():N}"[..20];
        var org = cluster.Client.GetGrain<IOrganizationGrain>(orgId);
        var admin = NewHash();
        await org.CreateAsync("Org", admin);
        var read = NewHash();
        var issued = await org.IssueApiKeyAsync("screen", [Scopes.Read], read, admin);
        Assert.NotNull(issued);

        var found = await Lookup.FindAsync(read);
        Assert.Equal(orgId, found?.OrgId);
        Assert.Equal([Scopes.Read], found?.Scopes);

        await org.RevokeApiKeyAsync(issued.KeyId);

        Assert.Null(await Lookup.FindAsync(read));
        Assert.NotNull(await Lookup.FindAsync(admin));
    }

    [Fact]
    public async Task A_revoked_admin_key_cannot_issue_a_key()
    {
        var orgId = $"t-{Guid.NewGuid():N}"[..20];
        var org = cluster.Client.GetGrain<IOrganizationGrain>(orgId);
        var admin = NewHash();
        await org.CreateAsync("Org", admin);
        var first = (await org.ListApiKeysAsync()).Single();
        await org.RevokeApiKeyAsync(first.KeyId);

        var minted = await org.IssueApiKeyAsync("backdoor", [Scopes.Admin], NewHash(), admin);

        Assert.Null(minted);
        Assert.Single(await org.ListApiKeysAsync());
    }

    [Fact]
    public async Task A_read_key_or_another_organizations_key_cannot_issue_a_key()
    {
        var org = cluster.Client.GetGrain<IOrganizationGrain>($"t-{Guid.NewGuid():N}"[..20]);
        var other = cluster.Client.GetGrain<IOrganizationGrain>($"t-{Guid.NewGuid():N}"[..20]);
        var admin = NewHash();
        var otherAdmin = NewHash();
        await org.CreateAsync("Org", admin);
        await other.CreateAsync("Other", otherAdmin);
        var read = NewHash();
        Assert.NotNull(await org.IssueApiKeyAsync("screen", [Scopes.Read], read, admin));

        Assert.Null(await org.IssueApiKeyAsync("from read", [Scopes.Admin], NewHash(), read));
        Assert.Null(await org.IssueApiKeyAsync("from elsewhere", [Scopes.Admin], NewHash(), otherAdmin));
    }

    [Fact]
    public async Task A_revocation_is_on_the_feed_with_the_next_sequence_number()
    {
        var before = await Feed.ReadSinceAsync(0, 0);
        var org = cluster.Client.GetGrain<IOrganizationGrain>($"t-{Guid.NewGuid():N}"[..20]);
        var admin = NewHash();
        await org.CreateAsync("Org", admin);
        var key = (await org.ListApiKeysAsync()).Single();

        await org.RevokeApiKeyAsync(key.KeyId);

        var batch = await Feed.ReadSinceAsync(before.Epoch, before.Sequence);
        Assert.True(batch.Complete);
        var revocation = Assert.Single(batch.Revocations, r => r.KeyHash == admin);
        Assert.Equal(key.KeyId, revocation.KeyId);
        Assert.True(revocation.Sequence > before.Sequence);
    }

    [Fact]
    public async Task A_reader_of_another_epoch_is_told_the_feed_cannot_replay_what_it_missed()
    {
        var current = await Feed.ReadSinceAsync(0, 0);

        Assert.False(current.Complete); // epoch 0 is nobody's
        Assert.False((await Feed.ReadSinceAsync(current.Epoch + 1, current.Sequence)).Complete);
        Assert.True((await Feed.ReadSinceAsync(current.Epoch, current.Sequence)).Complete);
        Assert.Empty((await Feed.ReadSinceAsync(current.Epoch, current.Sequence)).Revocations);
    }
}
