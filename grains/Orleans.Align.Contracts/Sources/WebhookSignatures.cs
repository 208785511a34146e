using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orleans.Align.Sources;

/// <summary>The result of a signature check: valid, or why not (said to the caller: it reveals nothing of the secret).</summary>
public readonly record struct SignatureCheck(bool Valid, string Reason)
{
    public static readonly SignatureCheck Ok = new(true, "");
    public static SignatureCheck Refused(string reason) => new(false, reason);
}

/// <summary>
/// The four tools' webhook signature schemes, from their public documentation. Every comparison of a
/// signature is in constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>), on the raw
/// bytes of the body as received; the clock is a parameter so the replay windows can be tested.
/// Hand-written: the StandardWebhooks package verifies a <c>string</c> body against ASP.NET's header
/// collection and the wall clock, while the check here runs in the source's grain on the raw bytes
/// (checked against the specification's test vector in the unit tests); the other three have no
/// .NET library short of each vendor's whole SDK.
/// </summary>
public static class WebhookSignatures
{
    /// <summary>The replay window of HubSpot, Stripe and Standard Webhooks (5 minutes each).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// HubSpot v3: <c>X-HubSpot-Signature-v3</c> = Base64(HMAC-SHA256(client secret, method + URI + body +
    /// timestamp)) with <c>X-HubSpot-Request-Timestamp</c> in milliseconds, refused when more than 5 minutes old.
    /// </summary>
    public static SignatureCheck HubSpotV3(string secret, string method, string uri, byte[] body, string? signature, string? timestamp, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(signature)) return SignatureCheck.Refused("The X-HubSpot-Signature-v3 header is missing.");
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            return SignatureCheck.Refused("The X-HubSpot-Request-Timestamp header is missing or not a number of milliseconds.");
        if (!Fresh(DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, 253402300799999)), now))
            return SignatureCheck.Refused("The request timestamp is outside the 5-minute window: a replay, or a clock far off.");
        var signed = Concat(Encoding.UTF8.GetBytes(method.ToUpperInvariant() + uri), body, Encoding.UTF8.GetBytes(timestamp!));
        return Matches(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed), FromBase64(signature))
            ? SignatureCheck.Ok : SignatureCheck.Refused("The signature does not match.");
    }

    /// <summary>Shopify: <c>X-Shopify-Hmac-Sha256</c> = Base64(HMAC-SHA256(app secret, body)). Shopify's scheme has no timestamp.</summary>
    public static SignatureCheck Shopify(string secret, byte[] body, string? signature)
    {
        if (string.IsNullOrEmpty(signature)) return SignatureCheck.Refused("The X-Shopify-Hmac-Sha256 header is missing.");
        return Matches(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body), FromBase64(signature))
            ? SignatureCheck.Ok : SignatureCheck.Refused("The signature does not match.");
    }

    /// <summary>
    /// Stripe: <c>Stripe-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;[,v1=...]</c>, each v1 the hex of
    /// HMAC-SHA256(endpoint secret as given, "{t}.{body}"); any one v1 may match (Stripe sends two
    /// while a secret is rolled). Refused when t is more than 5 minutes from now.
    /// </summary>
    public static SignatureCheck Stripe(string secret, byte[] body, string? header, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(header)) return SignatureCheck.Refused("The Stripe-Signature header is missing.");
        string? t = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "t") t = value;
            else if (key == "v1" && FromHex(value) is { } bytes) signatures.Add(bytes);
        }
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return SignatureCheck.Refused("The Stripe-Signature header has no timestamp (t=).");
        if (signatures.Count == 0) return SignatureCheck.Refused("The Stripe-Signature header has no v1 signature.");
        if (!Fresh(DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799)), now))
            return SignatureCheck.Refused("The signature's timestamp is outside the 5-minute window: a replay, or a clock far off.");
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Concat(Encoding.UTF8.GetBytes(t + "."), body));
        var any = false;
        foreach (var s in signatures) any |= Matches(expected, s); // every candidate compared: no early exit
        return any ? SignatureCheck.Ok : SignatureCheck.Refused("No v1 signature matches.");
    }

    /// <summary>
    /// Standard Webhooks: <c>webhook-signature</c> is a space-separated list of <c>v1,&lt;base64&gt;</c>, each
    /// Base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")) with the key the Base64 after
    /// <c>whsec_</c> in the secret; the timestamp (unix seconds) within 5 minutes of now.
    /// </summary>
    public static SignatureCheck StandardWebhooks(string secret, string? id, string? timestamp, string? signature, byte[] body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
            return SignatureCheck.Refused("The webhook-id, webhook-timestamp and webhook-signature headers are required.");
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return SignatureCheck.Refused("The webhook-timestamp header is not a number of seconds.");
        if (!Fresh(DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799)), now))
            return SignatureCheck.Refused("The webhook-timestamp is outside the 5-minute window: a replay, or a clock far off.");
        if (StandardWebhooksKey(secret) is not { } key) return SignatureCheck.Refused("The source's secret is not a Standard Webhooks secret.");
        var expected = HMACSHA256.HashData(key, Concat(Encoding.UTF8.GetBytes($"{id}.{timestamp}."), body));
        var any = false;
        foreach (var candidate in signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!candidate.StartsWith("v1,", StringComparison.Ordinal)) continue;
            any |= Matches(expected, FromBase64(candidate[3..]));
        }
        return any ? SignatureCheck.Ok : SignatureCheck.Refused("No v1 signature matches.");
    }

    /// <summary>The signing key of a <c>whsec_&lt;base64&gt;</c> secret, or null when it is not one.</summary>
    public static byte[]? StandardWebhooksKey(string secret)
    {
        var encoded = secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret;
        var buffer = new byte[encoded.Length];
        return Convert.TryFromBase64String(encoded, buffer, out var written) && written >= 16 ? buffer[..written] : null;
    }

    /// <summary>A new Standard Webhooks secret: <c>whsec_</c> and 32 random bytes in Base64.</summary>
    public static string NewStandardWebhooksSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static bool Fresh(DateTimeOffset at, DateTimeOffset now) => (now - at).Duration() <= Tolerance;

    /// <summary>Constant time in the length of the expected MAC; a candidate of another length never matches.</summary>
    private static bool Matches(byte[] expected, byte[]? candidate) =>
        candidate is not null && candidate.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, candidate);

    private static byte[]? FromBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var written) ? buffer[..written] : null;
    }

    private static byte[]? FromHex(string value)
    {
        try { return value.Length % 2 == 0 && value.Length <= 256 ? Convert.FromHexString(value) : null; }
        catch (FormatException) { return null; }
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var all = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var p in parts)
        {
            p.CopyTo(all, at);
            at += p.Length;
        }
        return all;
    }
}
