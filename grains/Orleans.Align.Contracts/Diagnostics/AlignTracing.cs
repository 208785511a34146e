using System.Diagnostics;

namespace Orleans.Align;

/// <summary>
/// The product's own spans: the delivery of a log range to a view, the board push and the gateway's
/// SignalR send. They run behind the ingest's acknowledgement, so they start traces of their own and
/// point back at the ingest(s) they carry with span links (<see cref="LiveOrigin"/>), which travels in
/// the grain calls' <see cref="RequestContext"/> from the ingest log through the views to the board.
/// The board's push hands its own trace context to the gateways the same way (<see cref="PushKey"/>).
/// </summary>
public static class AlignTracing
{
    public const string SourceName = "Orleans.Align";
    public static readonly ActivitySource Source = new(SourceName);

    public const string DeliverSpan = "align.log.deliver";
    public const string BoardPushSpan = "align.board.push";
    public const string LiveSendSpan = "align.live.send";

    /// <summary>RequestContext key of the <see cref="LiveOrigin"/> of what a call delivers (in memory only, never stored).</summary>
    public const string OriginKey = "align.origin";

    /// <summary>RequestContext key of the board push's traceparent, on the push to each gateway.</summary>
    public const string PushKey = "align.push";

    /// <summary>
    /// A span for one handover of <paramref name="origin"/>'s events to a view, in a trace of its own:
    /// the ambient activity (the first caller of a group commit, whose loop this runs on) is not its
    /// parent, and the view's grain calls carry <paramref name="origin"/> on.
    /// </summary>
    public static Activity? StartDelivery(LiveOrigin? origin, string orgId, string viewKind, string viewId, long from, long through)
    {
        Activity.Current = null;
        Carry(OriginKey, origin?.Encode());
        var span = Source.StartActivity(DeliverSpan, ActivityKind.Internal, default(ActivityContext), links: origin?.Links());
        span?.SetTag("align.org", orgId);
        span?.SetTag("align.view.kind", viewKind);
        span?.SetTag("align.view.id", viewId);
        span?.SetTag("align.log.from", from);
        span?.SetTag("align.log.through", through);
        return span;
    }

    /// <summary>
    /// A span for one board push, linked to the ingests whose events it coalesced; its traceparent goes
    /// with the push to the gateways (<see cref="PushKey"/>), which send as its children.
    /// </summary>
    public static Activity? StartBoardPush(LiveOrigin? origin, string orgId, string boardId, long version)
    {
        Activity.Current = null;
        Carry(OriginKey, null);
        var span = Source.StartActivity(BoardPushSpan, ActivityKind.Producer, default(ActivityContext), links: origin?.Links());
        span?.SetTag("align.org", orgId);
        span?.SetTag("align.board", boardId);
        span?.SetTag("align.board.version", version);
        Carry(PushKey, span is null ? null : TraceParent(span.Context));
        return span;
    }

    /// <summary>The gateway's SignalR send of a board update: a child of the board's push when the push carried its context.</summary>
    public static Activity? StartLiveSend(string orgId, string boardId, long version)
    {
        var parent = RequestContext.Get(PushKey) is string tp && ActivityContext.TryParse(tp, null, isRemote: true, out var pushed) ? pushed : default;
        var span = Source.StartActivity(LiveSendSpan, ActivityKind.Producer, parent);
        span?.SetTag("align.org", orgId);
        span?.SetTag("align.board", boardId);
        span?.SetTag("align.board.version", version);
        return span;
    }

    public static string TraceParent(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";

    private static void Carry(string key, string? value)
    {
        if (value is null) RequestContext.Remove(key);
        else RequestContext.Set(key, value);
    }
}

/// <summary>
/// Where a change on its way to the screens came from: the ingest spans (at most <see cref="MaxLinks"/>,
/// the first ones seen) and the acknowledgement time of the oldest contributing event. Kept in memory
/// and carried along calls as a short string; after a restart, replayed ranges simply have none.
/// </summary>
public sealed class LiveOrigin
{
    public const int MaxLinks = 16;

    private readonly List<ActivityContext> _ingests = [];

    public IReadOnlyList<ActivityContext> Ingests => _ingests;

    /// <summary>When the oldest contributing event was acknowledged (UTC), if known.</summary>
    public DateTimeOffset? OldestAck { get; private set; }

    public void Add(ActivityContext ingest)
    {
        if (ingest == default || _ingests.Count >= MaxLinks || _ingests.Contains(ingest)) return;
        _ingests.Add(ingest);
    }

    public void Acknowledged(DateTimeOffset at)
    {
        if (OldestAck is not { } known || at < known) OldestAck = at;
    }

    public void Merge(LiveOrigin other)
    {
        foreach (var ingest in other._ingests) Add(ingest);
        if (other.OldestAck is { } at) Acknowledged(at);
    }

    public IEnumerable<ActivityLink> Links() => _ingests.Select(c => new ActivityLink(c));

    /// <summary>"ackTicks;traceparent,traceparent" (ticks 0: unknown).</summary>
    public string Encode() => $"{OldestAck?.UtcTicks ?? 0};{string.Join(',', _ingests.Select(AlignTracing.TraceParent))}";

    public static LiveOrigin? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var separator = text.IndexOf(';');
        if (separator < 0 || !long.TryParse(text.AsSpan(0, separator), out var ticks)) return null;
        var origin = new LiveOrigin();
        if (ticks > 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks) origin.Acknowledged(new DateTimeOffset(ticks, TimeSpan.Zero));
        foreach (var tp in text[(separator + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (ActivityContext.TryParse(tp, null, isRemote: true, out var context)) origin.Add(context);
        }
        return origin;
    }

    /// <summary>The origin the current grain call carries, if any.</summary>
    public static LiveOrigin? Current() => Decode(RequestContext.Get(AlignTracing.OriginKey) as string);
}
