using Orleans.Align.Grains;
using Orleans.Align.Tests.Cluster;

namespace Orleans.Align.Tests.People;

/// <summary>The gateways' shared key ring: what one stores, every one reads.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DataProtectionKeysTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Stored_key_elements_are_read_back_in_order_and_a_name_stored_again_replaces_its_element()
    {
        var ring = cluster.Client.GetGrain<IDataProtectionKeysGrain>(0);
        var name = Guid.NewGuid().ToString("N");
        var before = await ring.GetAllAsync();

        await ring.StoreAsync(name, $"<key id=\"{name}\">one</key>");
        await ring.StoreAsync(name + "-2", $"<key id=\"{name}-2\">two</key>");
        await ring.StoreAsync(name, $"<key id=\"{name}\">one again</key>");

        var after = await ring.GetAllAsync();
        Assert.Equal(before.Count + 2, after.Count);
        Assert.Equal([$"<key id=\"{name}-2\">two</key>", $"<key id=\"{name}\">one again</key>"], after.Skip(before.Count));
    }
}
