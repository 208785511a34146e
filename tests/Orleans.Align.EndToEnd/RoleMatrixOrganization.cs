using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// One organization of the role matrix, seeded through the API with its admin key: departments
/// marketing and sales, a campaign with an activity of each and one of sales alone, a goal owned by each, a rule, events, a
/// review, an announcement and an alert; API keys admin, ingest and read; a board link for the
/// overview; people admin, lead(marketing), member(marketing) and viewer, signed in. Every id it
/// makes is its own (<see cref="Prefix"/>), and every name and text carries <see cref="Marker"/>, so
/// that an answer to another organization's credential that holds it is a leak. Objects a refused
/// call names are seeded here and must survive; an allowed call gets a fresh one (the Fresh methods).
/// </summary>
public sealed class MatrixOrganization
{
    private int _unique;

    private MatrixOrganization(Tenant tenant, string prefix)
    {
        Tenant = tenant;
        Prefix = prefix;
        Marker = "zq" + Guid.NewGuid().ToString("N")[..12];
    }

    public Tenant Tenant { get; }
    public string Id => Tenant.Id;
    public string Prefix { get; }
    public string Marker { get; }

    /// <summary>A department only this organization has (marketing and sales, the roles' departments, both have).</summary>
    public string OwnDepartment => $"{Prefix}-pr";
    public string Campaign => $"{Prefix}-launch";
    /// <summary>A campaign of sales alone: not the marketing lead's to change, archive or restore.</summary>
    public string SalesCampaign => $"{Prefix}-sales-drive";
    public string MarketingActivity => $"{Prefix}-act-marketing";
    public string SalesActivity => $"{Prefix}-act-sales";
    public string MarketingGoal => $"{Prefix}-goal-marketing";
    public string SalesGoal => $"{Prefix}-goal-sales";
    public string Rule => $"{Prefix}-rule";
    public string Review => $"{Prefix}-review";
    public string Metric => $"{Prefix.Replace('-', '_')}_visits";
    public long Alert { get; private set; }
    public string Subscription { get; private set; } = "";
    public string VictimKey { get; private set; } = "";
    /// <summary>A Shopify webhook source, signed with <see cref="SourceSecret"/>.</summary>
    public string Source { get; private set; } = "";
    public const string SourceSecret = "shpss_matrix_source_secret";
    public string VictimPerson { get; private set; } = "";
    public Dictionary<string, string> VictimLinks { get; } = [];

    /// <summary>Ids only this organization has: a path that names one must not be found by another's credential.</summary>
    public IEnumerable<string> OwnIds => [OwnDepartment, Campaign, SalesCampaign, MarketingActivity, SalesActivity, MarketingGoal, SalesGoal, Rule, Review, Subscription, VictimKey, Source, VictimPerson, .. VictimLinks.Values];

    /// <summary>The credentials, by the matrix's names (see <see cref="RoleMatrixTests"/>).</summary>
    public Dictionary<string, MatrixCaller> Callers { get; } = new(StringComparer.Ordinal);

    public string Unique() => $"{Prefix}{Interlocked.Increment(ref _unique)}-{Guid.NewGuid().ToString("N")[..6]}";

    public static async Task<MatrixOrganization> SeedAsync(AlignSystem system, string prefix)
    {
        var org = new MatrixOrganization(await system.CreateTenantAsync("rm" + prefix), prefix);
        await org.SeedAsync(system);
        return org;
    }

    private async Task SeedAsync(AlignSystem system)
    {
        var t = Tenant;
        var m = Marker;
        foreach (var d in new[] { "marketing", "sales", OwnDepartment }) await t.PostOkAsync("/api/v1/departments", new { id = d, name = $"{d} {m}" });
        await t.PostOkAsync("/api/v1/metrics", new { key = Metric, name = $"Visits {m}", kind = "additive" });
        await t.PostOkAsync("/api/v1/campaigns", new
        {
            id = Campaign,
            name = $"Launch {m}",
            departments = new[] { "marketing", "sales" },
            activities = new[]
            {
                new { id = MarketingActivity, department = "marketing", name = $"Ads {m}", metrics = new[] { "leads" } },
                new { id = SalesActivity, department = "sales", name = $"Calls {m}", metrics = new[] { "leads" } },
            },
        });
        await t.PostOkAsync("/api/v1/campaigns", new { id = SalesCampaign, name = $"Sales drive {m}", departments = new[] { "sales" } });
        var now = DateTimeOffset.UtcNow;
        // Well ahead of pace (15 of 100 a day into a month): no at-risk alert appears in the feed on its own mid-test.
        foreach (var (goal, owner) in new[] { (MarketingGoal, "marketing"), (SalesGoal, "sales") })
        {
            await t.PostOkAsync("/api/v1/goals", new
            {
                id = goal, title = $"{owner} goal {m}", metric = "leads", target = 100, owners = new[] { owner },
                scope = new { campaign = Campaign }, start = now.AddDays(-1), end = now.AddDays(30),
            });
        }
        await t.PostOkAsync("/api/v1/rules", RuleBody(Rule));
        await t.PostOkAsync("/api/v1/events", new
        {
            events = Enumerable.Range(1, 3).Select(i => new { id = $"seed-{i}", metric = "leads", value = 5, campaign = Campaign, department = "marketing", source = $"src-{m}" }),
        });
        await t.PostOkAsync("/api/v1/reviews", new { id = Review, name = $"Review {m}" });
        await t.PostOkAsync("/api/v1/feed/announcements", new { from = "marketing", to = new[] { "sales" }, text = $"Coverage on Tuesday {m}", campaign = Campaign });
        Alert = await NewAlertAsync();
        Subscription = await NewSubscriptionAsync();

        var keys = await Task.WhenAll(new[] { "admin", "ingest", "read" }.Select(async scope =>
            (scope, (await t.PostOkAsync("/api/v1/keys", new { name = $"{scope} key {m}", scopes = new[] { scope } }))["apiKey"]!.GetValue<string>())));
        VictimKey = await NewKeyAsync();
        Source = await NewSourceAsync();
        foreach (var d in new[] { "marketing", "sales" }) VictimLinks[d] = await NewLinkAsync(d);
        var link = (await t.PostOkAsync("/api/v1/board-links", new { name = $"wall {m}", board = "overview" }))["link"]!.GetValue<string>();
        VictimPerson = (await NewPersonAsync()).Email;

        // Not the system's shared client: it keeps cookies, and the matrix signs in with every credential
        // (a session cookie would then ride along on the shared client's later calls, here and in other tests).
        var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = system.Gateway, Timeout = TimeSpan.FromSeconds(30) };
        Callers["none"] = new AnonymousCaller(system.Gateway, http);
        Callers["platform"] = new BearerCaller("platform", system.Gateway, http, AlignSystem.PlatformAdminKey);
        foreach (var (scope, key) in keys) Callers[scope + "Key"] = new BearerCaller(scope + "Key", system.Gateway, http, key);
        Callers["link"] = new BearerCaller("link", system.Gateway, http, link);
        var people = await Task.WhenAll(new (string Role, string[] Departments)[] { ("admin", []), ("lead", ["marketing"]), ("member", ["marketing"]), ("viewer", []) }
            .Select(async p =>
            {
                var (email, token) = await NewPersonAsync(p.Role, p.Departments);
                await SetPasswordAsync(email, token);
                return await PersonCaller.SignInAsync(p.Role, system.Gateway, Id, email);
            }));
        foreach (var person in people) Callers[person.Name] = person;
    }

    public object RuleBody(string id) => new
    {
        id, name = $"Rule {Marker}", metric = "leads", scope = new { campaign = Campaign }, condition = "fallsBy", threshold = 50,
        windowMinutes = 60, notify = new[] { "sales" }, message = $"Leads fell {Marker}",
    };

    public async Task<string> NewRuleAsync() => (await Tenant.PostOkAsync("/api/v1/rules", RuleBody($"{Prefix}-rule-{Unique()}")))["rule"]!["id"]!.GetValue<string>();

    public async Task<string> NewSourceAsync() =>
        (await Tenant.PostOkAsync("/api/v1/sources", new { name = $"Shop {Marker}", scheme = "shopify", secret = SourceSecret }))["source"]!["id"]!.GetValue<string>();

    /// <summary>A Shopify order delivery to <see cref="Source"/>, signed as Shopify signs it, with a new delivery id.</summary>
    public SignedBody ShopifyOrder()
    {
        var body = $$"""{"id":{{Random.Shared.NextInt64(1, long.MaxValue)}},"created_at":"{{DateTimeOffset.UtcNow:O}}","total_price":"10.00","currency":"EUR"}""";
        var signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(SourceSecret), System.Text.Encoding.UTF8.GetBytes(body)));
        return new SignedBody(body, new Dictionary<string, string>
        {
            ["X-Shopify-Topic"] = "orders/create", ["X-Shopify-Webhook-Id"] = Guid.NewGuid().ToString(), ["X-Shopify-Hmac-Sha256"] = signature,
        });
    }

    /// <summary>A Slack subscription on a name that is never resolved here (nothing is raised for it to deliver in time).</summary>
    public object SubscriptionBody(string name = "Channel", bool marked = true)
    {
        var mark = marked ? Marker : "unmarked";
        return new { name = $"{name} {mark}", url = $"https://hooks.matrix.example/{mark}", format = "slack", filter = new { kinds = new[] { "alert" }, departments = new[] { "sales" } } };
    }

    public async Task<string> NewSubscriptionAsync() => (await Tenant.PostOkAsync("/api/v1/subscriptions", SubscriptionBody()))["id"]!.GetValue<string>();

    public async Task<string> NewKeyAsync() =>
        (await Tenant.PostOkAsync("/api/v1/keys", new { name = $"victim {Marker}", scopes = new[] { "read" } }))["id"]!.GetValue<string>();

    public async Task<string> NewLinkAsync(string department) =>
        (await Tenant.PostOkAsync("/api/v1/board-links", new { name = $"wall {department} {Marker}", board = $"department:{department}" }))["id"]!.GetValue<string>();

    public async Task<(string Email, string Token)> NewPersonAsync(string role = "viewer", string[]? departments = null)
    {
        var email = $"{role}-{Unique()}@matrix.example";
        var added = await Tenant.PostOkAsync("/api/v1/people", new { email, displayName = $"{role} {Marker}", role, departments = departments ?? [] });
        return (email, added["setPasswordToken"]!.GetValue<string>());
    }

    public async Task SetPasswordAsync(string email, string token)
    {
        using var set = await Tenant.System.Http.PostAsync("/api/v1/account/password",
            System.Net.Http.Json.JsonContent.Create(new { email, token, password = PersonCaller.Password }));
        Assert.True(set.IsSuccessStatusCode, $"Setting the password of {email} failed: {(int)set.StatusCode}");
    }

    /// <summary>A fresh open alert (sales feedback on the sales goal); its feed entry id.</summary>
    public async Task<long> NewAlertAsync()
    {
        var text = $"Hearing objections {Unique()} {Marker}";
        await Tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "sales", to = new[] { "marketing" }, text, goal = SalesGoal, salesFeedback = true });
        var alerts = (await Tenant.GetOkAsync("/api/v1/feed?kind=alert&limit=500")).AsArray();
        return alerts.Single(a => a!["text"]!.GetValue<string>().Contains(text, StringComparison.Ordinal))!["id"]!.GetValue<long>();
    }

    /// <summary>
    /// The organization's state as its lists show it, without what moves on its own (live progress,
    /// pace and status, read times): equal before and after a refused call, part by part.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> FingerprintAsync()
    {
        string[] paths =
        [
            "/api/v1/goals", $"/api/v1/goals/{MarketingGoal}/events?limit=20", "/api/v1/campaigns", $"/api/v1/campaigns/{Campaign}", $"/api/v1/campaigns/{SalesCampaign}", "/api/v1/departments",
            "/api/v1/departments/marketing/scorecard", "/api/v1/departments/sales/scorecard", $"/api/v1/departments/{OwnDepartment}/scorecard", "/api/v1/metrics", "/api/v1/rules", "/api/v1/subscriptions", "/api/v1/people",
            "/api/v1/keys", "/api/v1/board-links", "/api/v1/feed?limit=500", "/api/v1/settings", "/api/v1/reviews", "/api/v1/sources",
        ];
        var parts = await Task.WhenAll(paths.Select(async p => (p, Strip(await Tenant.GetOkAsync(p))!.ToJsonString())));
        using var limits = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/orgs/{Id}/limits");
        limits.Headers.Authorization = new("Bearer", AlignSystem.PlatformAdminKey);
        using var answer = await Tenant.System.Http.SendAsync(limits);
        return parts.Append(("limits", await answer.Content.ReadAsStringAsync())).ToDictionary(p => p.Item1, p => p.Item2);
    }

    private static readonly HashSet<string> Moving = new(StringComparer.Ordinal)
    {
        "progress", "percent", "status", "pace", "expected", "expectedProgress", "version", "updatedAt", "asOf", "lastEventAt", "trend",
        "onPace", "daysLeft", "elapsed", "projected", "generatedAt", "at",
        // A rule's windows slide with the clock.
        "current", "previous", "changePercent", "holds", "open", "since", "appliedThrough",
    };

    private static JsonNode? Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (Moving.Contains(key)) o.Remove(key);
                    else Strip(o[key]);
                }
                break;
            case JsonArray a:
                foreach (var item in a) Strip(item);
                break;
        }
        return node;
    }

    /// <summary>The newest audit entry's id (0 when the log is empty).</summary>
    public async Task<long> AuditMarkAsync() =>
        (await Tenant.GetOkAsync("/api/v1/audit?limit=1"))["entries"]!.AsArray().FirstOrDefault()?["id"]?.GetValue<long>() ?? 0;

    /// <summary>Entries after <paramref name="mark"/> that record a change that succeeded (a refusal is logged as failed).</summary>
    public async Task<IReadOnlyList<string>> SucceededSinceAsync(long mark) =>
        (await Tenant.GetOkAsync("/api/v1/audit?limit=500"))["entries"]!.AsArray()
            .Where(e => e!["id"]!.GetValue<long>() > mark && e["outcome"]!.GetValue<string>() == "succeeded")
            .Select(e => e!.ToJsonString()).ToList();
}
