using System.Globalization;
using System.Text.RegularExpressions;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary><c>GET /api/v1/audit</c>: the organization's audit log, newest first (admins only).</summary>
public static partial class AuditEndpoints
{
    public const int DefaultLimit = 50;
    public const string ActionPattern = "^[a-z_]{1,32}(\\.[a-z_]{1,31})?$";
    public const int MaxActorLength = Emails.MaxLength;

    /// <summary>An actor's id: a person's email, a key's id, or <c>platform</c>.</summary>
    public static readonly string ActorPattern = "^(?:[a-z0-9][a-z0-9-]{0,63}|" + Emails.Pattern[1..^1] + ")$";

    public static void MapAudit(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ListAsync).Requires(AlignAction.ReadAudit).WithTags("Audit").Authenticated()
            .Answers<AuditPage>().Problems(400);
    }

    private static async Task<IResult> ListAsync(long? before, int? limit, string? action, string? actor, string? since, string? until, HttpContext http, IClusterClient cluster, TimeProvider clock)
    {
        var v = new Validation();
        if (before is <= 0) v.Add("before", "must be a positive audit entry id (the 'next' of the previous page).");
        if (limit is not null and (< 1 or > InputLimits.MaxPage)) v.Add("limit", $"must be between 1 and {InputLimits.MaxPage}.");
        if (action is not null && !ActionRegex().IsMatch(action)) v.Add("action", "must be an action (key.created) or a family of them (key): lower-case letters and '_', one '.' at most.");
        if (actor is not null)
        {
            if (Emails.IsValid(actor)) actor = Emails.Normalize(actor);
            else if (!Identifiers.IsValid(actor)) v.Add("actor", "must be an actor's id: a person's email, an API key's id, or 'platform'.");
        }
        var now = clock.GetUtcNow();
        var from = Time(v, "since", since, now);
        var to = Time(v, "until", until, now);
        if (from is { } f && to is { } t && t < f) v.Add("until", "must not be before since.");
        if (!v.IsValid) return v.Problem();
        var page = await cluster.GetGrain<IAuditGrain>(http.User.OrgId()).QueryAsync(new AuditQuery(before, limit ?? DefaultLimit, action, actor, from, to));
        return TypedResults.Ok(page);
    }

    /// <summary>An RFC 3339 time after 2000-01-01 and at most a day ahead of now (clocks differ; the log holds nothing later).</summary>
    private static DateTimeOffset? Time(Validation v, string field, string? value, DateTimeOffset now)
    {
        if (value is null) return null;
        if (value.Length <= 64 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            && at >= Earliest && at <= now.AddDays(1))
            return at;
        v.Add(field, "must be a date and time (RFC 3339, e.g. 2026-09-01T00:00:00Z) after 2000-01-01 and not more than a day in the future.");
        return null;
    }

    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [GeneratedRegex("^[a-z_]{1,32}(\\.[a-z_]{1,31})?\\z", RegexOptions.CultureInvariant)] // \z, not $: $ also matches before a final newline
    private static partial Regex ActionRegex();
}
