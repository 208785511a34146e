using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Orleans.Align.Gateway.Auth;

/// <summary>
/// API keys are <c>ak_</c>, 256 random bits in base64url (43 characters) and a checksum: the first
/// 6 bytes of the SHA-256 of everything before it, in base64url (8 characters); 54 characters in all.
/// The checksum is not a secret (anyone can compute it): it lets the gateway refuse a mistyped,
/// truncated or random token without asking the cluster, and lets secret scanners recognise a key.
/// Only the SHA-256 of a key is stored. A fast hash is enough for secrets with that much entropy:
/// there is nothing to brute-force a dictionary against.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "ak_";
    private const int SecretBytes = 32, SecretChars = 43, ChecksumBytes = 6, ChecksumChars = 8;

    /// <summary>The length of a key: prefix, secret and checksum.</summary>
    public const int Length = 3 + SecretChars + ChecksumChars;

    /// <summary>Keys issued before the checksum: the prefix and the secret only. Still accepted, so that keys already handed out keep working.</summary>
    public const int LegacyLength = 3 + SecretChars;

    public static string Generate() => Generate(Prefix);

    /// <summary>A new secret of this format under <paramref name="prefix"/> (three characters: <c>ak_</c>, <c>bl_</c>).</summary>
    internal static string Generate(string prefix)
    {
        var body = prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        return body + Checksum(body);
    }

    /// <summary>True when <paramref name="token"/> is <paramref name="prefix"/>, a secret and its checksum (no legacy form).</summary>
    internal static bool IsWellFormed(string? token, string prefix)
    {
        if (token is null || token.Length != Length || !token.StartsWith(prefix, StringComparison.Ordinal)) return false;
        if (!IsBase64Url(token.AsSpan(prefix.Length))) return false;
        return token.AsSpan(LegacyLength).SequenceEqual(Checksum(token[..LegacyLength]));
    }

    /// <summary>
    /// True when <paramref name="key"/> has the shape of a key this platform issues: checked before
    /// any call to the cluster, in time linear in a length that is itself bounded.
    /// </summary>
    public static bool IsWellFormed(string? key)
    {
        if (key is null || !key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        if (key.Length == LegacyLength) return IsBase64Url(key.AsSpan(Prefix.Length));
        if (key.Length != Length || !IsBase64Url(key.AsSpan(Prefix.Length))) return false;
        var body = key[..LegacyLength];
        return key.AsSpan(LegacyLength).SequenceEqual(Checksum(body));
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    private static string Checksum(string body) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(body)).AsSpan(0, ChecksumBytes));

    private static bool IsBase64Url(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_')) return false;
        }
        return true;
    }
}

/// <summary>
/// Wall-screen board links: <c>bl_</c>, 256 random bits and a checksum, exactly the shape of an API key
/// under their own prefix, so a link is recognisable (and refused before any call when mistyped) and
/// can never be taken for a key. Stored, looked up and revoked like keys (only the SHA-256 is kept);
/// what a link may do is its record's business: read and watch its one board.
/// </summary>
public static class BoardLinks
{
    public const string Prefix = "bl_";

    public static string Generate() => ApiKeys.Generate(Prefix);

    public static bool IsWellFormed(string? token) => ApiKeys.IsWellFormed(token, Prefix);
}
