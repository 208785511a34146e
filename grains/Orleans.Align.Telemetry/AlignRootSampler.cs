using System.Collections.Frozen;
using OpenTelemetry.Trace;
using Orleans.Align.Grains;

namespace Orleans.Align.Telemetry;

/// <summary>
/// Decides for spans without a parent (children follow their parent: <see cref="ParentBasedSampler"/>).
/// A grain call span (named "IInterface/Method" by Orleans) starts a trace only when the interface is
/// one of ours: Orleans' own system targets and timers (membership, directory, reminders) call each
/// other all the time on the same sources and would flood the exporter. A span with links (a delivery,
/// a board push) is kept when one of the spans it links to was sampled. Everything else (HTTP
/// requests, the product's own spans without links) is kept.
/// </summary>
internal sealed class AlignRootSampler : Sampler
{
    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    /// <summary>The simple names of the grain interfaces of Orleans.Align (those Orleans names spans after).</summary>
    internal static readonly FrozenSet<string> OurInterfaces = typeof(IIngestLogGrain).Assembly.GetTypes()
        .Where(t => t.IsInterface && t.Namespace?.StartsWith("Orleans.Align", StringComparison.Ordinal) == true && typeof(IAddressable).IsAssignableFrom(t))
        .Select(t => t.IsGenericType ? t.Name[..t.Name.IndexOf('`')] : t.Name)
        .ToFrozenSet(StringComparer.Ordinal);

    public AlignRootSampler() => Description = nameof(AlignRootSampler);

    public override SamplingResult ShouldSample(in SamplingParameters parameters)
    {
        // A span that links to others (a delivery, a board push) is kept when one of them was: what runs
        // behind the acknowledgement is traced as far as the ingests it carries are.
        if (parameters.Links is { } links && links.Any())
            return links.Any(l => l.Context.TraceFlags.HasFlag(System.Diagnostics.ActivityTraceFlags.Recorded)) ? Keep : Drop;
        return IsOurs(parameters.Name) ? Keep : Drop;
    }

    internal static bool IsOurs(string name)
    {
        var slash = name.IndexOf('/');
        if (slash <= 0) return true; // not a grain call
        var owner = name.AsSpan(0, slash);
        if (owner.IndexOfAny('.', ' ') >= 0) return true; // not "IInterface/Method"
        var generic = owner.IndexOf('<');
        if (generic > 0) owner = owner[..generic];
        return OurInterfaces.GetAlternateLookup<ReadOnlySpan<char>>().Contains(owner);
    }
}
