using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Gateway.Hosting;
using Orleans.Align.Gateway.Limits;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

public static class EventEndpoints
{
    public static void MapEvents(this RouteGroupBuilder api, GatewayOptions options)
    {
        api.MapPost("/events", IngestAsync)
            .RequireAuthorization(Policies.Ingest)
            .WithTags("Events")
            .Authenticated()
            .Reads(options.MaxRequestBytes)
            .LimitsEventRate()
            .Answers<IngestResponse>();
    }

    /// <summary>
    /// Acknowledges only what is in the organization's log. A retried batch reports its events as
    /// duplicates and changes nothing.
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
        return TypedResults.Ok(new IngestResponse(result.Accepted, result.Duplicates));
    }
}
