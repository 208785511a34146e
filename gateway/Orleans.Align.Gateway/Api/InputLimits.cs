namespace Orleans.Align.Gateway.Api;

/// <summary>
/// The API's bounds on input: part of its contract (the OpenAPI document states them as maxItems,
/// maxLength and patterns), so they are the same on every gateway and not deployment settings. Each
/// is well above what a demanding organization needs, and low enough that a refusal costs the
/// gateway microseconds. docs/architecture.md ("Input limits") lists them with the reasons.
/// </summary>
public static class InputLimits
{
    /// <summary>Ids in one list: <c>to</c>, <c>owners</c>, <c>scope.campaigns</c>, <c>scope.departments</c>, a campaign's <c>departments</c>.</summary>
    public const int MaxIdsPerList = 100;

    /// <summary>Activities of one campaign.</summary>
    public const int MaxActivities = 200;

    /// <summary>Metrics one activity moves.</summary>
    public const int MaxMetricsPerActivity = 20;

    /// <summary>Terms on either side of a ratio's formula.</summary>
    public const int MaxFormulaTerms = 20;

    /// <summary>Scopes named when issuing a key (three exist; repeats are tolerated, floods are not).</summary>
    public const int MaxScopes = 10;

    /// <summary>Names and titles: departments, campaigns, activities, goals, reviews, organizations.</summary>
    public const int MaxNameLength = 200;

    /// <summary>A metric's or an API key's name.</summary>
    public const int MaxShortNameLength = 100;

    public const int MaxUnitLength = 20;

    /// <summary>An announcement's text.</summary>
    public const int MaxTextLength = 2000;

    /// <summary>A trigger rule's window: a week, in minutes (a rule keeps a sum per minute over two windows).</summary>
    public const int MaxRuleWindowMinutes = 10_080;

    /// <summary>A department's check-in cadence: at most once a year.</summary>
    public const double MaxCheckInEveryDays = 366;

    /// <summary>A check-in's note.</summary>
    public const int MaxNoteLength = 1000;

    /// <summary>An event's id (the caller's idempotency key, often a tool's own delivery id).</summary>
    public const int MaxEventIdLength = 128;

    /// <summary>An event's source (the tool that sent it).</summary>
    public const int MaxSourceLength = 64;

    /// <summary>A page of the feed or of a goal's events.</summary>
    public const int MaxPage = 500;

    /// <summary>
    /// Body of every request except ingest (which has <c>Align:Gateway:MaxRequestBytes</c>, 1 MiB):
    /// a campaign at its limits (200 activities with names and metrics) is about 150 KB.
    /// </summary>
    public const long MaxCommandBodyBytes = 256 * 1024;

    /// <summary>The body of sign-in and set-password: an email, a password and an id or a token fit in far less.</summary>
    public const long MaxSessionBodyBytes = 16 * 1024;

    /// <summary>Passwords: long enough to resist guessing; bounded, because every sign-in hashes what it is sent.</summary>
    public const int MinPasswordLength = 12, MaxPasswordLength = 128;

    /// <summary>A set-password token: 43 base64url characters; anything longer names none.</summary>
    public const int MaxTokenLength = 64;

    /// <summary>A refusal names at most this many problems, then says how many there were in all.</summary>
    public const int MaxErrorsShown = 20;

    /// <summary>Values the caller sent are quoted back in messages at most this long.</summary>
    public const int MaxEchoLength = 64;

    /// <summary><see cref="Identifiers"/> as a JSON Schema pattern (ECMA dialect: no trailing-newline match).</summary>
    public const string IdPattern = "^[a-z0-9][a-z0-9-]{0,63}$";

    /// <summary><see cref="MetricKeys"/> as a JSON Schema pattern.</summary>
    public const string MetricKeyPattern = "^[a-z][a-z0-9_.]{0,63}$";

    /// <summary>A value the caller sent, quoted and cut to a bounded length, for a message.</summary>
    public static string Echo(string? value) => value is null ? "null"
        : value.Length <= MaxEchoLength ? $"'{value}'"
        : $"'{value[..MaxEchoLength]}…' ({value.Length} characters)";

    /// <summary>
    /// An id as the API accepts it. <see cref="Identifiers.IsValid"/> uses .NET's <c>$</c>, which also
    /// matches before a final line feed, so <c>"sales\n"</c> would pass it; refuse that here.
    /// </summary>
    public static bool IsId(string? value) => Identifiers.IsValid(value) && !value!.EndsWith('\n');

    public static bool IsMetricKey(string? value) => MetricKeys.IsValid(value) && !value!.EndsWith('\n');
}
