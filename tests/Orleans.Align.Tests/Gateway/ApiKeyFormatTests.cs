using Orleans.Align.Gateway.Auth;

namespace Orleans.Align.Tests.Gateway;

/// <summary>The shape of an API key: what the gateway checks before it asks the cluster anything.</summary>
public sealed class ApiKeyFormatTests
{
    [Fact]
    public void A_generated_key_is_the_prefix_a_256_bit_secret_and_a_checksum()
    {
        var key = ApiKeys.Generate();

        Assert.StartsWith("ak_", key, StringComparison.Ordinal);
        Assert.Equal(ApiKeys.Length, key.Length);
        Assert.Equal(54, key.Length);
        Assert.True(ApiKeys.IsWellFormed(key));
    }

    [Fact]
    public void Generated_keys_differ()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeys.Generate()).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(1000, keys.Count);
    }

    [Fact]
    public void Changing_any_single_character_of_a_key_breaks_its_format()
    {
        var key = ApiKeys.Generate();
        for (var i = 0; i < key.Length; i++)
        {
            var replacement = key[i] == 'A' ? 'B' : 'A';
            var changed = string.Concat(key.AsSpan(0, i), replacement.ToString(), key.AsSpan(i + 1));
            Assert.False(ApiKeys.IsWellFormed(changed), $"A key changed at position {i} still looks well formed: {changed}");
        }
    }

    [Fact]
    public void Swapping_two_characters_of_the_secret_breaks_the_checksum()
    {
        var key = ApiKeys.Generate();
        var i = Enumerable.Range(3, 42).First(p => key[p] != key[p + 1]);
        var swapped = string.Concat(key.AsSpan(0, i), key[i + 1].ToString(), key[i].ToString(), key.AsSpan(i + 2));

        Assert.False(ApiKeys.IsWellFormed(swapped));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ak_")]
    [InlineData("not-a-key")]
    [InlineData("Bearer ak_")]
    [InlineData("AK_012345678901234567890123456789012345678901234567890")] // upper-case prefix
    [InlineData("ak_01234567890123456789012345678901234567890123456789012")] // 56 characters
    [InlineData("ak_012345678901234567890123456789012345678901234567890")] // 54, but no valid checksum
    [InlineData("ak_012345678901234567890123456789012345678901+")] // 46, '+' is not base64url
    [InlineData("ak_0123456789012345678901234567890123456789 12")] // 46, a space
    public void Tokens_that_are_not_keys_are_not_well_formed(string token)
    {
        Assert.False(ApiKeys.IsWellFormed(token));
    }

    [Fact]
    public void Truncated_and_extended_keys_are_not_well_formed()
    {
        var key = ApiKeys.Generate();

        Assert.False(ApiKeys.IsWellFormed(key[..^1]));
        Assert.False(ApiKeys.IsWellFormed(key + "A"));
        Assert.False(ApiKeys.IsWellFormed(key + key));
        Assert.False(ApiKeys.IsWellFormed(null));
    }

    [Fact]
    public void Keys_issued_before_the_checksum_are_still_accepted_by_their_shape()
    {
        // ak_ + base64url(32 bytes), as the gateway generated keys before the checksum existed.
        var legacy = "ak_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Equal(ApiKeys.LegacyLength, legacy.Length);
        Assert.True(ApiKeys.IsWellFormed(legacy));
    }

    [Fact]
    public void Random_tokens_of_the_right_length_almost_never_pass_the_checksum()
    {
        var random = new Random(42);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var passed = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var token = "ak_" + new string(Enumerable.Range(0, ApiKeys.Length - 3).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            if (ApiKeys.IsWellFormed(token)) passed++;
        }

        Assert.Equal(0, passed); // 48 checksum bits: about one in 2.8e14 passes by chance
    }

    [Fact]
    public void The_hash_is_the_lower_case_hex_sha256_of_the_key()
    {
        var hash = ApiKeys.Hash("ak_example");

        Assert.Equal(64, hash.Length);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("ak_example"u8)), hash);
    }
}
