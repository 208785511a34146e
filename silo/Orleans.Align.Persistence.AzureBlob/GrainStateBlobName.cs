using Orleans.Runtime;

namespace Orleans.Align.Persistence.AzureBlob;

/// <summary>
/// Where one grain state lives in the container: <c>{state name}/{grain type}/{escaped key}.json</c>,
/// e.g. state "goal" of grain <c>goal/acme/q3-leads</c> is <c>goal/goal/acme%2Fq3-leads.json</c>.
/// </summary>
/// <remarks>
/// Grain keys carry the organization id first and contain '/', which Azure would read as virtual
/// folders, so each part is percent-escaped (RFC 3986 unreserved characters stay as they are):
/// the name is deterministic, reversible, still readable in Storage Explorer, and two different
/// (state, type, key) triples can never share a blob. The '/' between the parts is kept on purpose:
/// listing by the prefix <c>{state name}/{grain type}/</c> finds every record of one kind.
/// </remarks>
public static class GrainStateBlobName
{
    /// <summary>Azure's limit on the length of a blob name.</summary>
    public const int MaxLength = 1024;

    /// <summary>The blob name of state <paramref name="stateName"/> of grain <paramref name="grainId"/>.</summary>
    /// <exception cref="ArgumentException">The name would be longer than Azure allows.</exception>
    public static string For(string stateName, GrainId grainId)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default, empty id.", nameof(grainId));
        }

        var name = $"{Escape(stateName)}/{Escape(grainId.Type.ToString()!)}/{Escape(grainId.Key.ToString()!)}.json";
        if (name.Length > MaxLength)
        {
            throw new ArgumentException(
                $"The blob name for state '{stateName}' of grain '{grainId}' would be {name.Length} characters; " +
                $"Azure allows {MaxLength}. Use a shorter grain key.",
                nameof(grainId));
        }

        return name;
    }

    // "." and ".." stay escaped too: as whole path segments an HTTP client would collapse them.
    private static string Escape(string part) => part switch
    {
        "." => "%2E",
        ".." => "%2E%2E",
        _ => Uri.EscapeDataString(part),
    };
}
