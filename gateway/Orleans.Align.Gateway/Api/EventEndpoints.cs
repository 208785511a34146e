using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Gateway.Hosting;
using Orleans.Align.Gateway.Limits;
using Orleans.Align.Gateway.Telemetry;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

public static class EventEndpoints
{
    public static void MapEvents(this RouteGroupBuilder api, GatewayOptions options)
    {
        api.MapPost("/events", IngestAsync)
            .Requires(AlignAction.IngestEvents)
            .WithTags("Events")
            .Authenticated()
            .Reads(options.MaxRequestBytes)
            .LimitsEventRate()
            .Answers<IngestResponse>()
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status409Conflict, typeof(IngestConflictProblem), [ApiInput.ProblemContentType]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status422UnprocessableEntity, typeof(IngestRefusedProblem), [ApiInput.ProblemContentType]));
    }

    /// <summary>
    /// Acknowledges only what is in the organization's log. A retried batch reports its events as
    /// duplicates and changes nothing. An event that reuses a stored id with different content is a
    /// conflict: listed by its index, not stored, not counted; the batch's other events are processed
    /// as usual (200). When every event is a conflict nothing happened at all, and the answer is a 409
    /// problem with the same list, so that a caller sending one event at a time (a webhook) cannot
    /// mistake it for success.
    /// </summary>
    private static async Task<IResult> IngestAsync(IngestRequest request, HttpContext http, IClusterClient cluster, IOptions<GatewayOptions> options, TimeProvider clock)
    {
        var (validation, events) = EventValidation.Validate(request, options.Value.MaxEventsPerBatch, clock.GetUtcNow());
        if (!validation.IsValid) return validation.Problem();

        IngestResult result;
        try
        {
            result = await cluster.GetGrain<IIngestLogGrain>(http.User.OrgId()).AppendAsync(events).WaitAsync(options.Value.IngestTimeout, http.RequestAborted);
        }
        catch (TimeoutException)
        {
            // Not acknowledged: the write may still land, and the caller's resend is then reported as duplicates.
            throw new AlignException(AlignErrorKind.Unavailable, "The event log did not acknowledge in time; nothing is acknowledged. Retry later.");
        }
        var conflicts = (result.Conflicts ?? []).Select(c => new IngestConflictResponse(c.Index, c.Id, c.StoredSequence)).ToList();
        if (result.Refusals is { Count: > 0 } refused)
        {
            // A correction that cannot be applied refuses the batch whole: nothing of it was stored.
            var refusals = refused.Select(r => new IngestRefusalResponse(r.Index, r.Id, r.Corrects, r.Reason, r.Detail, r.NewerCorrection)).ToList();
            var chain = refused.All(r => r.Reason == CorrectionRefusal.AlreadyCorrected);
            return TypedResults.Problem(
                detail: $"{refused[0].Detail}{(refused.Count > 1 ? $" ({refused.Count} corrections refused: see 'refusals'.)" : "")} Nothing of the batch was stored.",
                statusCode: chain ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity,
                title: chain ? "The event was corrected already" : "The correction cannot be applied",
                extensions: chain
                    ? new Dictionary<string, object?> { ["conflicts"] = conflicts, ["refusals"] = refusals }
                    : new Dictionary<string, object?> { ["refusals"] = refusals });
        }
        if (conflicts.Count > 0 && conflicts.Count == events.Count)
        {
            return TypedResults.Problem(
                detail: $"Every event of the batch reuses the id of a stored event with different content; nothing was stored. Send new ids for new events.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Conflicting event ids",
                extensions: new Dictionary<string, object?> { ["conflicts"] = conflicts });
        }
        IngestMetering.CountEvents(http, result.Accepted, result.Duplicates, conflicts.Count);
        return TypedResults.Ok(new IngestResponse(result.Accepted, result.Duplicates, conflicts));
    }
}
