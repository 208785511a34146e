namespace Orleans.Align.Gateway.Api;

/// <summary>
/// Checks a whole ingest batch before anything reaches the log: one bad event refuses the batch, so
/// a caller never has to work out which half was stored.
/// </summary>
public static class EventValidation
{
    /// <summary>Values beyond this are a unit mistake (cents as millions, a timestamp as a value), not a metric.</summary>
    public const double MaxAbsoluteValue = 1e12;
    public const int MaxIdLength = InputLimits.MaxEventIdLength;
    public static readonly DateTimeOffset EarliestTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromDays(1);

    public static (Validation Validation, List<MetricEvent> Events) Validate(IngestRequest? request, int maxEvents, DateTimeOffset now)
    {
        var v = new Validation();
        var events = new List<MetricEvent>();
        if (request?.Events is not { } list)
        {
            v.Add("events", "is required: send {\"events\":[...]}.");
            return (v, events);
        }
        if (list.Count == 0) v.Add("events", "must contain at least one event.");
        if (list.Count > maxEvents)
        {
            v.Add("events", $"must contain at most {maxEvents} events; it has {list.Count}: split the batch.");
            return (v, events);
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (Validate(v, $"events[{i}]", list[i], now) is { } e && v.IsValid) events.Add(e);
        }
        return (v, events);
    }

    /// <summary>
    /// One event, its problems named <c>{prefix}.{field}</c> (just <c>{field}</c> when the prefix is empty,
    /// as a CSV import names them per row); null when it has any.
    /// </summary>
    public static MetricEvent? Validate(Validation v, string prefix, EventRequest? e, DateTimeOffset now)
    {
        string Field(string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
        if (e is null)
        {
            v.Add(prefix.Length == 0 ? "event" : prefix, "must be an object.");
            return null;
        }
        var before = v.ErrorCount;
        var id = v.Text(Field("id"), e.Id, MaxIdLength);
        if (!InputLimits.IsMetricKey(e.Metric)) v.Add(Field("metric"), e.Metric is null ? "is required." : $"must be {MetricKeys.Rule}.");
        if (e.Value is not { } value) v.Add(Field("value"), "is required.");
        else if (!double.IsFinite(value) || Math.Abs(value) > MaxAbsoluteValue) v.Add(Field("value"), $"must be a finite number between -{MaxAbsoluteValue:0e0} and {MaxAbsoluteValue:0e0}.");
        var timestamp = e.Timestamp ?? now;
        if (timestamp < EarliestTimestamp || timestamp > now + AllowedClockSkew)
            v.Add(Field("timestamp"), "must be after 2000-01-01 and not more than a day in the future.");
        v.OptionalId(Field("campaign"), e.Campaign);
        v.OptionalId(Field("department"), e.Department);
        v.OptionalId(Field("activity"), e.Activity);
        // An activity is one of a campaign's: the event names both.
        if (e.Activity is not null && e.Campaign is null) v.Add(Field("activity"), "needs the event's campaign: an activity belongs to a campaign.");
        var source = v.Text(Field("source"), e.Source, InputLimits.MaxSourceLength, required: false);
        var corrects = v.Text(Field("corrects"), e.Corrects, MaxIdLength, required: false);
        if (e.Corrects is not null && string.IsNullOrWhiteSpace(e.Corrects)) v.Add(Field("corrects"), "must name the id of the event it corrects, or be left out.");
        else if (corrects is not null && corrects == id) v.Add(Field("corrects"), "must name another event: an event cannot correct itself.");

        if (v.ErrorCount > before) return null;
        return new MetricEvent(id!, e.Metric!, e.Value!.Value, timestamp.ToUniversalTime(), e.Campaign, e.Department, source, TimestampAssigned: e.Timestamp is null, Activity: e.Activity, Corrects: corrects);
    }
}
