using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orleans.Align.Driver.Api;

/// <summary>
/// Typed calls to the gateway's <c>/api/v1</c>, one method per endpoint, authenticated with one API
/// key. Error statuses become <see cref="AlignApiException"/>; transport failures stay
/// <see cref="HttpRequestException"/>, so <see cref="TransientRetry"/> can tell them apart.
/// </summary>
public sealed class AlignApiClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // A goal for the whole organization is "scope": {} and an event without a campaign has no
        // "campaign" at all, rather than explicit nulls.
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");

    private readonly HttpClient _http;
    private readonly string _apiKey;

    /// <param name="http">Addresses the gateway (see <see cref="CreateHttpClient"/>); share it between clients.</param>
    /// <param name="apiKey">An organization's key, or the platform admin key for <see cref="CreateOrganizationAsync"/>.</param>
    public AlignApiClient(HttpClient http, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(http.BaseAddress);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        _http = http;
        _apiKey = apiKey;
    }

    /// <summary>
    /// The same gateway with another key. Clients made this way share one connection pool, which is
    /// what a load generator acting for many organizations needs.
    /// </summary>
    public AlignApiClient WithKey(string apiKey) => new(_http, apiKey);

    /// <summary>An HttpClient for a gateway base URL; the path may have a prefix when the gateway sits behind a proxy.</summary>
    /// <param name="maxConnections">
    /// Caps the connection pool; a load generator passes its number of concurrent clients, so that each
    /// has its own HTTP/1.1 connection and none waits for another's.
    /// </param>
    public static HttpClient CreateHttpClient(Uri gateway, TimeSpan requestTimeout, int? maxConnections = null)
    {
        var handler = new SocketsHttpHandler
        {
            // A refused connection should surface quickly so the caller's backoff, not the socket, sets the pace.
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            UseProxy = false,
            UseCookies = false,
        };
        if (maxConnections is { } connections) handler.MaxConnectionsPerServer = connections;
        var baseAddress = gateway.AbsoluteUri.EndsWith('/') ? gateway : new Uri(gateway.AbsoluteUri + "/");
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = requestTimeout };
    }

    /// <summary>Needs the platform admin key. 409 when the organization exists.</summary>
    public Task<CreatedOrganization> CreateOrganizationAsync(string id, string name, CancellationToken cancellationToken) =>
        SendAsync<CreatedOrganization>(HttpMethod.Post, "api/v1/orgs", new { id, name }, cancellationToken);

    /// <summary>409 when the department exists.</summary>
    public Task<Department> CreateDepartmentAsync(Department department, CancellationToken cancellationToken) =>
        SendAsync<Department>(HttpMethod.Post, "api/v1/departments", department, cancellationToken);

    public Task<IReadOnlyList<Department>> ListDepartmentsAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<Department>>(HttpMethod.Get, "api/v1/departments", null, cancellationToken);

    /// <summary>409 when the campaign exists; 400 when it names a department the organization does not have.</summary>
    public Task<Campaign> CreateCampaignAsync(Campaign campaign, CancellationToken cancellationToken) =>
        SendAsync<Campaign>(HttpMethod.Post, "api/v1/campaigns", campaign, cancellationToken);

    /// <summary>Adds the activity to the campaign, or changes it: the same call on every run.</summary>
    public Task<System.Text.Json.Nodes.JsonNode> SetActivityAsync(string campaignId, CampaignActivity activity, CancellationToken cancellationToken) =>
        SendAsync<System.Text.Json.Nodes.JsonNode>(HttpMethod.Put,
            $"api/v1/campaigns/{Uri.EscapeDataString(campaignId)}/activities/{Uri.EscapeDataString(activity.Id)}", activity, cancellationToken);

    /// <summary>How often a department checks in on the goals it owns (idempotent).</summary>
    public Task<System.Text.Json.Nodes.JsonNode> SetCheckInCadenceAsync(string departmentId, double everyDays, CancellationToken cancellationToken) =>
        SendAsync<System.Text.Json.Nodes.JsonNode>(HttpMethod.Put,
            $"api/v1/departments/{Uri.EscapeDataString(departmentId)}/check-in-cadence", new { everyDays }, cancellationToken);

    public Task<IReadOnlyList<Campaign>> ListCampaignsAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<Campaign>>(HttpMethod.Get, "api/v1/campaigns", null, cancellationToken);

    /// <summary>
    /// 409 when a goal with this id exists with a different definition. The same definition again is
    /// answered 201 with the goal's current progress.
    /// </summary>
    public Task<GoalView> CreateGoalAsync(GoalDefinition goal, CancellationToken cancellationToken) =>
        SendAsync<GoalView>(HttpMethod.Post, "api/v1/goals", goal, cancellationToken);

    /// <summary>409 when a rule with this id exists with a different definition; the same definition again is answered 201.</summary>
    public Task<System.Text.Json.Nodes.JsonNode> CreateRuleAsync(TriggerRule rule, CancellationToken cancellationToken) =>
        SendAsync<System.Text.Json.Nodes.JsonNode>(HttpMethod.Post, "api/v1/rules", rule, cancellationToken);

    public Task<IReadOnlyList<GoalView>> ListGoalsAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<GoalView>>(HttpMethod.Get, "api/v1/goals", null, cancellationToken);

    public Task<GoalView> GetGoalAsync(string goalId, CancellationToken cancellationToken) =>
        SendAsync<GoalView>(HttpMethod.Get, $"api/v1/goals/{Uri.EscapeDataString(goalId)}", null, cancellationToken);

    /// <summary><paramref name="boardId"/> is <c>overview</c> or <c>campaign:{id}</c>.</summary>
    public Task<BoardSnapshot> GetBoardAsync(string boardId, CancellationToken cancellationToken) =>
        SendAsync<BoardSnapshot>(HttpMethod.Get, $"api/v1/boards/{Uri.EscapeDataString(boardId)}", null, cancellationToken);

    /// <summary>Needs an admin key. The secret is in the answer only this once.</summary>
    public Task<CreatedApiKey> CreateApiKeyAsync(string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken) =>
        SendAsync<CreatedApiKey>(HttpMethod.Post, "api/v1/keys", new { name, scopes }, cancellationToken);

    /// <summary>A read-only link for one board (admin or lead).</summary>
    public Task<CreatedBoardLink> CreateBoardLinkAsync(string name, string board, CancellationToken cancellationToken) =>
        SendAsync<CreatedBoardLink>(HttpMethod.Post, "api/v1/board-links", new { name, board }, cancellationToken);

    /// <summary>Needs an admin key, which makes it the cheapest way to check that a key is one.</summary>
    public Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<ApiKeyInfo>>(HttpMethod.Get, "api/v1/keys", null, cancellationToken);

    /// <summary>Needs an admin key. For a new account the answer carries the one-time set-password token.</summary>
    public Task<AddedPerson> AddPersonAsync(string email, string displayName, string role, IReadOnlyList<string> departments, CancellationToken cancellationToken) =>
        SendAsync<AddedPerson>(HttpMethod.Post, "api/v1/people", new { email, displayName, role, departments }, cancellationToken);

    /// <summary>Needs no key: the token is the credential.</summary>
    public async Task SetPasswordAsync(string email, string token, string password, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/account/password")
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { email, token, password }, Json)),
        };
        request.Content.Headers.ContentType = JsonMediaType;
        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(HttpMethod.Post, "api/v1/account/password", response, cancellationToken);
    }

    /// <summary>
    /// Appends a batch to the organization's log. All or nothing: one invalid event (or an unknown
    /// campaign or department) refuses the batch with 400. Resending a batch is safe: events whose
    /// ids the gateway has seen come back as duplicates.
    /// </summary>
    public Task<IngestResult> IngestAsync(IReadOnlyList<MetricEvent> events, CancellationToken cancellationToken) =>
        SendAsync<IngestResult>(HttpMethod.Post, "api/v1/events", new { events }, cancellationToken);

    /// <summary>
    /// <see cref="IngestAsync(IReadOnlyList{MetricEvent}, CancellationToken)"/> with a body the caller
    /// serialized already (<c>{"events":[...]}</c>): a load generator builds its bodies ahead of time so
    /// that its own JSON work stays out of what it measures.
    /// </summary>
    public Task<IngestResult> IngestAsync(ReadOnlyMemory<byte> serializedBatch, CancellationToken cancellationToken) =>
        SendContentAsync<IngestResult>(HttpMethod.Post, "api/v1/events", new ReadOnlyMemoryContent(serializedBatch), cancellationToken);

    private Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        // Serialized up front so the request has a Content-Length instead of a chunked body.
        SendContentAsync<T>(method, path, body is null ? null : new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json)), cancellationToken);

    private async Task<T> SendContentAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        if (content is not null)
        {
            request.Content = content;
            request.Content.Headers.ContentType = JsonMediaType;
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(method, path, response, cancellationToken);

        var result = await ReadJsonAsync<T>(response, cancellationToken);
        return result ?? throw new InvalidDataException($"{method} /{path} answered {(int)response.StatusCode} without a body.");
    }

    private static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken);
    }

    private static async Task<AlignApiException> ErrorAsync(HttpMethod method, string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        ProblemDocument? problem = null;
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true && body.Length > 0)
        {
            try
            {
                problem = JsonSerializer.Deserialize<ProblemDocument>(body, Json);
            }
            catch (JsonException)
            {
                // Not a problem document after all (a proxy's error page, say): the raw body goes into the message.
            }
        }

        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        return new AlignApiException(method, path, response.StatusCode, problem, problem is null ? body : null, retryAfter);
    }
}
