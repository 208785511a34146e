using Orleans.Align.Gateway.Auth;

namespace Orleans.Align.Tests.Gateway;

/// <summary>The shape of a wall-screen board link: checked before the cluster is asked anything, and never a key's.</summary>
public sealed class BoardLinkFormatTests
{
    [Fact]
    public void A_generated_link_is_its_prefix_a_256_bit_secret_and_a_checksum()
    {
        var link = BoardLinks.Generate();

        Assert.StartsWith("bl_", link, StringComparison.Ordinal);
        Assert.Equal(54, link.Length);
        Assert.True(BoardLinks.IsWellFormed(link));
    }

    [Fact]
    public void A_link_is_not_a_key_and_a_key_is_not_a_link()
    {
        var link = BoardLinks.Generate();
        var key = ApiKeys.Generate();

        Assert.False(ApiKeys.IsWellFormed(link));
        Assert.False(BoardLinks.IsWellFormed(key));
        // The same secret and checksum under the other prefix: the checksum covers the prefix.
        Assert.False(ApiKeys.IsWellFormed("ak_" + link[3..]));
        Assert.False(BoardLinks.IsWellFormed("bl_" + key[3..]));
    }

    [Fact]
    public void Changing_any_single_character_of_a_link_breaks_its_format()
    {
        var link = BoardLinks.Generate();
        for (var i = 0; i < link.Length; i++)
        {
            var replacement = link[i] == 'A' ? 'B' : 'A';
            var changed = string.Concat(link.AsSpan(0, i), replacement.ToString(), link.AsSpan(i + 1));
            Assert.False(BoardLinks.IsWellFormed(changed), $"A link changed at position {i} still looks well formed: {changed}");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bl_")]
    [InlineData("BL_012345678901234567890123456789012345678901234567890")]
    [InlineData("bl_012345678901234567890123456789012345678901234567890")] // 54, no valid checksum
    [InlineData("bl_0123456789012345678901234567890123456789012")] // the legacy key length: links have no legacy form
    public void Tokens_that_are_not_links_are_not_well_formed(string? token)
    {
        Assert.False(BoardLinks.IsWellFormed(token));
    }
}
