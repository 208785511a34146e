using System.Text.Json;

namespace Orleans.Align.Gateway.Sso;

/// <summary>
/// Checks, when an admin configures single sign-on, that the issuer answers as an OpenID provider the
/// gateway can use: its discovery document is reachable (through <see cref="SsoBackchannel"/>, within
/// <see cref="SsoOptions.ProviderTimeout"/>), names the same issuer, has authorization and token endpoints
/// the gateway may use, and supports the code flow with PKCE (S256) when it lists what it supports.
/// A wrong issuer is refused at once rather than found out at the first person's sign-in.
/// </summary>
public static class SsoDiscovery
{
    public const string WellKnown = "/.well-known/openid-configuration";

    /// <summary>Null when the provider will do; otherwise why not, in words for the admin.</summary>
    public static async Task<string?> ProblemAsync(HttpClient client, string issuer, bool allowLoopbackHttp, CancellationToken cancellationToken)
    {
        var address = issuer.TrimEnd('/') + WellKnown;
        JsonElement document;
        try
        {
            using var response = await client.GetAsync(address, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (!response.IsSuccessStatusCode) return $"{address} answered {(int)response.StatusCode}, not the provider's discovery document.";
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var parsed = JsonDocument.Parse(body);
            document = parsed.RootElement.Clone();
        }
        catch (JsonException)
        {
            return $"{address} did not answer a JSON discovery document.";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return cancellationToken.IsCancellationRequested ? "The request was cancelled." : $"{address} could not be read: {ex.Message}";
        }
        if (document.ValueKind != JsonValueKind.Object) return $"{address} did not answer a JSON object.";

        string? Text(string name) => document.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        bool Lists(string name, string value) =>
            !document.TryGetProperty(name, out var p) || p.ValueKind != JsonValueKind.Array || p.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.String && v.GetString() == value);

        var named = Text("issuer");
        if (named is null || !string.Equals(named.TrimEnd('/'), issuer.TrimEnd('/'), StringComparison.Ordinal))
            return $"The discovery document names the issuer '{Shorten(named)}', not '{issuer}': configure the issuer exactly as the provider names it.";
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "jwks_uri" })
        {
            if (Text(endpoint) is not { } url) return $"The discovery document has no {endpoint}.";
            if (SsoRules.IssuerProblem(url, allowLoopbackHttp) is { } problem) return $"Its {endpoint} ({Shorten(url)}) {problem}";
        }
        if (!Lists("response_types_supported", "code")) return "The provider does not support the authorization code flow (response type 'code').";
        if (!Lists("code_challenge_methods_supported", "S256")) return "The provider does not support PKCE with S256.";
        return null;
    }

    private static string Shorten(string? text) => text is null ? "(none)" : text.Length <= 200 ? text : text[..200] + "…";
}
