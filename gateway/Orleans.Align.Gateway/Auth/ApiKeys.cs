using System.Security.Cryptography;
using System.Text;

namespace Orleans.Align.Gateway.Auth;

/// <summary>
/// API keys are 256 random bits; only their SHA-256 is stored. A fast hash is enough for secrets
/// with that much entropy: there is nothing to brute-force a dictionary against.
/// </summary>
public static class ApiKeys
{
    private const string Prefix = "ak_";

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
