namespace Orleans.Align.EndToEnd;

/// <summary>
/// How long the end-to-end tests give things that the product promises "within a second".
/// </summary>
/// <remarks>
/// The tests assert the mechanism, not the latency: a revoked key, link or session must be refused, and
/// its live connections closed, long before a gateway's cached copy would expire by itself
/// (<c>Align:Gateway:KeyCacheDuration</c>, 30 s), which only the push through the revocation feed (or
/// the cache's distrust of a stale feed) achieves. How soon it actually happens is measured by the
/// driver's <c>revocation</c> command and written to docs/benchmarks.md ("Revocation latency"): a
/// latency asserted on a shared 2-core CI machine fails for the machine's sake, not the code's.
/// </remarks>
public static class Deadlines
{
    /// <summary>A third of the key cache's lifetime: a revocation that waited for the cache to expire fails.</summary>
    public static readonly TimeSpan RevocationTakesEffect = TimeSpan.FromSeconds(10);
}
