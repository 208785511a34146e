using System.Text.RegularExpressions;

namespace Orleans.Align;

/// <summary>
/// Builds and parses grain keys. Every tenant-owned grain key starts with the organization id, so a
/// key built from a caller's own organization can never address another tenant's grain.
/// </summary>
public static partial class GrainKeys
{
    public const char Separator = '/';

    public static string For(string orgId, string localId)
    {
        if (!Identifiers.IsValid(orgId)) throw new ArgumentException($"'{orgId}' is not a valid organization id.", nameof(orgId));
        ArgumentException.ThrowIfNullOrEmpty(localId);
        return string.Concat(orgId, Separator.ToString(), localId);
    }

    public static (string OrgId, string LocalId) Parse(string key)
    {
        var at = key.IndexOf(Separator);
        if (at <= 0 || at == key.Length - 1) throw new FormatException($"'{key}' is not an organization-scoped grain key.");
        return (key[..at], key[(at + 1)..]);
    }

    public static string OrgOf(string key) => Parse(key).OrgId;
}

/// <summary>The one rule for ids that people and integrations choose (orgs, departments, campaigns, goals).</summary>
public static partial class Identifiers
{
    public const int MaxLength = 64;
    public const string Rule = "lower-case letters, digits and '-', starting with a letter or digit, at most 64 characters";

    public static bool IsValid(string? id) => id is not null && IdPattern().IsMatch(id);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}\z", RegexOptions.CultureInvariant)] // \z, not $: $ also matches before a final newline
    private static partial Regex IdPattern();
}

/// <summary>Metric keys: the vocabulary integrations send (leads, media_mentions, spend...).</summary>
public static partial class MetricKeys
{
    public const string Rule = "lower-case letters, digits, '_' and '.', starting with a letter, at most 64 characters";

    public static bool IsValid(string? key) => key is not null && KeyPattern().IsMatch(key);

    [GeneratedRegex(@"^[a-z][a-z0-9_.]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
