using System.Security.Cryptography;
using System.Text;

namespace Orleans.Align.Grains.Subscriptions;

/// <summary>
/// Standard Webhooks signing (https://www.standardwebhooks.com): <c>v1,</c> and the base64 HMAC-SHA256,
/// keyed with the secret's bytes (base64 after <c>whsec_</c>), of <c>{id}.{timestamp}.{body}</c>. Ten lines
/// of our own rather than the StandardWebhooks package, which brings ASP.NET Core into the grains; the
/// unit tests check it against the specification's test vector and the end-to-end tests verify deliveries
/// with the package.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret: 32 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var hash = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(hash);
    }
}
