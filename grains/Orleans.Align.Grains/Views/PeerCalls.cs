namespace Orleans.Align.Grains.Views;

/// <summary>
/// How long the live path waits on one peer. A call to an activation whose silo is leaving or just left can
/// wait for the 30 s response timeout; on the live path that held everything behind it (a goal publishing to
/// a board held the log's next delivery to the goal, and a rolling restart's viewers saw no push for 15 s).
/// What gives up here is made up for: a board or department gets the whole view with the next change (and the
/// late call, if it lands, is ignored as older); the feed outbox posts again under the same key; the ingest
/// log hands the same range again, which the view skips up to its position.
/// </summary>
public static class PeerCalls
{
    /// <summary>A view telling boards, departments, its parent or the feed that it moved.</summary>
    public static readonly TimeSpan PublishWait = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The ingest log handing a range to a view: longer than a publish, since applying may read a gap from the
    /// log first; a view still busy with it when the range comes again skips what it applied meanwhile.
    /// </summary>
    public static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(10);
}
