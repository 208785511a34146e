using System.Net;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The role matrix: every operation of the OpenAPI document and every hub method, called by every
/// credential of its own organization and of another one, against the real processes. Who may do what
/// is written by hand in <see cref="Rows"/> from the roles' definitions (never computed from
/// <c>Access</c>, which would test the rules against themselves):
/// <list type="bullet">
/// <item>admin (person or API key): everything of the organization; keys cannot create organizations;</item>
/// <item>lead of marketing: reads; defines goals, activities, cadences and department board links for marketing; plans, changes,
/// archives and restores campaigns with marketing among their departments (before and after a change); publishes reviews;</item>
/// <item>member of marketing: reads; checks in, announces and acknowledges as marketing (never as sales);</item>
/// <item>viewer and read key: read the organization (not its people, keys, links or audit log);</item>
/// <item>ingest key: posts events, and check-ins, announcements and acknowledgements for any department (tools do);</item>
/// <item>board link (of the overview): that board's snapshot and live updates, nothing else;</item>
/// <item>platform key: organizations and their limits, no tenant's data; no credential: sign-in and account links only.</item>
/// </list>
/// A refused call answers 403 (401 without a usable credential) and changes nothing: each operation's
/// refused calls run between two fingerprints of the organization's lists and audit log. Allowed calls
/// run last, each on objects of its own. Another organization's credentials never find, change or read
/// this one's objects (and the other way round).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RoleMatrixTests(AlignSystem system)
{
    /// <summary>Every credential of the matrix, by the names the table uses.</summary>
    public static readonly string[] Credentials = ["none", "platform", "adminKey", "ingestKey", "readKey", "link", "admin", "lead", "member", "viewer"];

    private const string Readers = "adminKey readKey admin lead member viewer";
    private const string Admins = "adminKey admin";
    private const string Everyone = "none platform adminKey ingestKey readKey link admin lead member viewer";

    /// <summary>
    /// The table: one line per operation ("METHOD /path" as the OpenAPI document spells it), its success
    /// status, who may (a name, or name:status when that credential gets another answer than success), and
    /// for department-scoped operations who may when the request acts for sales, a department neither the
    /// lead nor the member belongs to (the first list is then for marketing, theirs). Everyone else: 403,
    /// or 401 without a usable credential. New endpoints add a line here.
    /// </summary>
    private static readonly MatrixRow[] Rows =
    [
        // Organizations: the platform operator's; a tenant's key or a person's session is refused (403).
        new("POST /api/v1/orgs", 201, "platform", Build: c => new("/api/v1/orgs", new { id = "mx-" + c.Org.Unique(), name = "Matrix org" }), Foreign: false),
        new("GET /api/v1/orgs/{orgId}/limits", 200, "platform", Build: c => new($"/api/v1/orgs/{c.Org.Id}/limits")),
        new("PUT /api/v1/orgs/{orgId}/limits", 200, "platform", Build: c => new($"/api/v1/orgs/{c.Org.Id}/limits", new { requestBurstPerKey = 4000 })),

        new("POST /api/v1/keys", 201, Admins, Build: c => new("/api/v1/keys", new { name = "k " + c.Org.Unique(), scopes = new[] { "read" } })),
        new("GET /api/v1/keys", 200, Admins, Build: c => new("/api/v1/keys")),
        new("DELETE /api/v1/keys/{keyId}", 204, Admins, BuildAsync: async c => new($"/api/v1/keys/{(c.Fresh ? await c.Org.NewKeyAsync() : c.Org.VictimKey)}")),

        // Sessions and accounts: signing in and account links need no credential; signing out is a person's.
        new("POST /api/v1/session", 200, Everyone, Build: c => new("/api/v1/session",
            new { email = ((PersonCaller)c.Org.Callers["viewer"]).Email, password = PersonCaller.Password, organization = c.Org.Id }),
            OwnSession: true, Foreign: false),
        new("DELETE /api/v1/session", 204, "adminKey:400 ingestKey:400 readKey:400 admin lead member viewer", Build: _ => new("/api/v1/session"),
            OwnSession: true, Foreign: false),
        new("GET /api/v1/me", 200, "adminKey ingestKey readKey admin lead member viewer", Build: _ => new("/api/v1/me")),
        new("POST /api/v1/account/password", 204, Everyone, BuildAsync: async c =>
        {
            var (email, token) = await c.Org.NewPersonAsync();
            return new("/api/v1/account/password", new { email, token, password = "another long password" });
        }, Foreign: false),
        new("POST /api/v1/account/password-reset", 202, Everyone, Build: c => new("/api/v1/account/password-reset",
            new { email = $"nobody-{c.Org.Unique()}@matrix.example", organization = c.Org.Id }), Foreign: false),

        new("POST /api/v1/people", 201, Admins, Build: c => new("/api/v1/people",
            new { email = $"p-{c.Org.Unique()}@matrix.example", displayName = "Added", role = "viewer", departments = Array.Empty<string>() })),
        new("GET /api/v1/people", 200, Admins, Build: _ => new("/api/v1/people")),
        new("PUT /api/v1/people/{email}", 200, Admins, BuildAsync: async c => new(
            $"/api/v1/people/{(c.Fresh ? (await c.Org.NewPersonAsync()).Email : c.Org.VictimPerson)}", new { role = "member", departments = new[] { "marketing" } })),
        new("DELETE /api/v1/people/{email}", 204, Admins,
            BuildAsync: async c => new($"/api/v1/people/{(c.Fresh ? (await c.Org.NewPersonAsync()).Email : c.Org.VictimPerson)}")),

        // Single sign-on: the organization's one configuration, so its allowed calls run one at a time (Serial).
        // The paths name no organization (each credential configures its own: Foreign false), except the
        // anonymous status, which says only whether an organization offers SSO, to anyone.
        new("PUT /api/v1/sso", 200, Admins, Build: c => new("/api/v1/sso", SsoConfig(c.Org)), Foreign: false, Serial: true),
        new("GET /api/v1/sso", 200, Admins, BuildAsync: async c =>
        {
            if (c.Fresh) await EnsureSsoAsync(c.Org);
            return new("/api/v1/sso");
        }, Foreign: false, Serial: true),
        new("DELETE /api/v1/sso", 204, Admins, BuildAsync: async c =>
        {
            if (c.Fresh) await EnsureSsoAsync(c.Org);
            return new("/api/v1/sso");
        }, Foreign: false, Serial: true),
        new("GET /api/v1/sso/{org}", 200, Everyone, Build: c => new($"/api/v1/sso/{c.Org.Id}"), Foreign: false),

        // Board links: admins, and leads for the overview, war rooms and the departments they lead.
        new("POST /api/v1/board-links", 201, "adminKey admin lead", OtherDepartment: Admins,
            Build: c => new("/api/v1/board-links", new { name = "wall " + c.Org.Unique(), board = $"department:{c.Department}" })),
        new("GET /api/v1/board-links", 200, "adminKey admin lead", Build: _ => new("/api/v1/board-links")),
        new("DELETE /api/v1/board-links/{linkId}", 204, "adminKey admin lead", OtherDepartment: Admins,
            BuildAsync: async c => new($"/api/v1/board-links/{(c.Fresh ? await c.Org.NewLinkAsync(c.Department) : c.Org.VictimLinks[c.Department])}")),

        new("POST /api/v1/departments", 201, Admins, Build: c => new("/api/v1/departments", new { id = "d" + c.Org.Unique(), name = "New" })),
        new("GET /api/v1/departments", 200, Readers, Build: _ => new("/api/v1/departments")),
        new("PUT /api/v1/departments/{departmentId}", 200, Admins, Build: c => new($"/api/v1/departments/{c.Org.OwnDepartment}", new { name = "Renamed " + c.Org.Unique() })),
        // Archiving and restoring: admins. Allowed calls archive departments and campaigns of their own, never the seeded ones.
        new("POST /api/v1/departments/{departmentId}/archive", 200, Admins, BuildAsync: async c =>
            new($"/api/v1/departments/{(c.Fresh ? await NewDepartmentAsync(c) : c.Org.OwnDepartment)}/archive")),
        new("POST /api/v1/departments/{departmentId}/restore", 200, Admins, BuildAsync: async c =>
            new($"/api/v1/departments/{(c.Fresh ? await NewDepartmentAsync(c, archived: true) : c.Org.OwnDepartment)}/restore")),
        new("GET /api/v1/departments/{departmentId}/scorecard", 200, Readers, Build: c => new($"/api/v1/departments/{c.Org.OwnDepartment}/scorecard")),
        new("PUT /api/v1/departments/{departmentId}/check-in-cadence", 200, "adminKey admin lead", OtherDepartment: Admins,
            Build: c => new($"/api/v1/departments/{c.Department}/check-in-cadence", new { everyDays = 7 })),

        // Planning campaigns: admins, and leads for a campaign with a department they lead (marketing and
        // sales together: integrated); a campaign of sales alone is not the marketing lead's.
        new("POST /api/v1/campaigns", 201, "adminKey admin lead", OtherDepartment: Admins, Build: c => new("/api/v1/campaigns",
            new { id = "c" + c.Org.Unique(), name = "New", departments = c.Other ? new[] { "sales" } : new[] { "marketing", "sales" } })),
        new("GET /api/v1/campaigns", 200, Readers, Build: _ => new("/api/v1/campaigns")),
        // The whole editable definition: the seeded departments stay (each is in charge of an activity).
        // For sales: taking over the sales campaign by adding marketing (a lead must lead a department before the change too).
        new("PUT /api/v1/campaigns/{campaignId}", 200, "adminKey admin lead", OtherDepartment: Admins, BuildAsync: async c =>
            c.Other
                ? new($"/api/v1/campaigns/{(c.Fresh ? await NewCampaignAsync(c) : c.Org.SalesCampaign)}", new { name = "Taken over " + c.Org.Unique(), departments = new[] { "sales", "marketing" } })
                : new($"/api/v1/campaigns/{c.Org.Campaign}", new { name = "Renamed " + c.Org.Unique(), departments = new[] { "marketing", "sales" } })),
        // Archiving and restoring: who may plan the campaign. Allowed calls archive campaigns of their own, never the seeded ones.
        new("POST /api/v1/campaigns/{campaignId}/archive", 200, "adminKey admin lead", OtherDepartment: Admins, BuildAsync: async c =>
            new($"/api/v1/campaigns/{(c.Fresh ? await NewCampaignAsync(c) : c.Other ? c.Org.SalesCampaign : c.Org.Campaign)}/archive")),
        new("POST /api/v1/campaigns/{campaignId}/restore", 200, "adminKey admin lead", OtherDepartment: Admins, BuildAsync: async c =>
            new($"/api/v1/campaigns/{(c.Fresh ? await NewCampaignAsync(c, archived: true) : c.Other ? c.Org.SalesCampaign : c.Org.Campaign)}/restore")),
        new("GET /api/v1/campaigns/{campaignId}", 200, Readers, Build: c => new($"/api/v1/campaigns/{c.Org.Campaign}")),
        // Refused for sales: a new sales activity, and moving the seeded sales activity to marketing (in charge before counts too).
        new("PUT /api/v1/campaigns/{campaignId}/activities/{activityId}", 200, "adminKey admin lead", OtherDepartment: Admins,
            Build: c => c.Other && !c.Fresh
                ? new($"/api/v1/campaigns/{c.Org.Campaign}/activities/{c.Org.SalesActivity}", new { department = "marketing", name = "Taken over", metrics = new[] { "leads" } })
                : new($"/api/v1/campaigns/{c.Org.Campaign}/activities/a{c.Org.Unique()}", new { department = c.Department, name = "New", metrics = new[] { "leads" } })),

        new("POST /api/v1/goals", 201, "adminKey admin lead", OtherDepartment: Admins, Build: c => new("/api/v1/goals", new
        {
            id = "g" + c.Org.Unique(), title = "New goal", metric = "leads", target = 50, owners = new[] { c.Department },
            scope = new { campaign = c.Org.Campaign }, start = DateTimeOffset.UtcNow.AddDays(-1), end = DateTimeOffset.UtcNow.AddDays(10),
        })),
        new("GET /api/v1/goals", 200, Readers, Build: _ => new("/api/v1/goals")),
        new("GET /api/v1/goals/{goalId}", 200, Readers, Build: c => new($"/api/v1/goals/{c.Org.MarketingGoal}")),
        // Changing a goal: as defining one, a lead changes the goals of departments it leads (here marketing's, not sales').
        new("PUT /api/v1/goals/{goalId}", 200, "adminKey admin lead", OtherDepartment: Admins, BuildAsync: async c =>
        {
            var id = c.Other ? c.Org.SalesGoal : c.Org.MarketingGoal;
            var goal = await c.Org.Tenant.GetOkAsync($"/api/v1/goals/{id}");
            return new($"/api/v1/goals/{id}", new
            {
                id, title = $"{c.Department} goal {c.Org.Unique()}", metric = "leads", target = 100, owners = new[] { c.Department },
                scope = new { campaign = c.Org.Campaign }, start = goal["start"]!.GetValue<DateTimeOffset>(), end = goal["end"]!.GetValue<DateTimeOffset>(),
            });
        }),
        // Archiving and restoring: who may change the goal. Allowed calls archive goals of their own, never the seeded ones.
        new("POST /api/v1/goals/{goalId}/archive", 200, "adminKey admin lead", OtherDepartment: Admins, BuildAsync: async c =>
            new($"/api/v1/goals/{(c.Fresh ? await NewGoalAsync(c) : c.Other ? c.Org.SalesGoal : c.Org.MarketingGoal)}/archive")),
        new("POST /api/v1/goals/{goalId}/restore", 200, "adminKey admin lead", OtherDepartment: Admins, BuildAsync: async c =>
            new($"/api/v1/goals/{(c.Fresh ? await NewGoalAsync(c, archived: true) : c.Other ? c.Org.SalesGoal : c.Org.MarketingGoal)}/restore")),
        new("GET /api/v1/goals/{goalId}/definitions", 200, Readers, Build: c => new($"/api/v1/goals/{c.Org.MarketingGoal}/definitions")),
        new("POST /api/v1/goals/{goalId}/rebuild", 200, Admins, Build: c => new($"/api/v1/goals/{c.Org.MarketingGoal}/rebuild")),
        new("POST /api/v1/goals/{goalId}/check-ins", 200, "adminKey ingestKey admin lead member", OtherDepartment: "adminKey ingestKey admin",
            Build: c => new($"/api/v1/goals/{c.Org.MarketingGoal}/check-ins", new { department = c.Department, confidence = 3, note = "checking in" })),
        new("GET /api/v1/goals/{goalId}/history", 200, Readers, Build: c => new($"/api/v1/goals/{c.Org.MarketingGoal}/history")),
        new("GET /api/v1/goals/{goalId}/events", 200, Readers, Build: c => new($"/api/v1/goals/{c.Org.MarketingGoal}/events")),
        new("GET /api/v1/goals/{goalId}/events.csv", 200, Readers, Build: c => new($"/api/v1/goals/{c.Org.MarketingGoal}/events.csv")),
        // Importing goals: as defining each of them (a lead imports goals of departments it leads).
        new("POST /api/v1/goals/import", 200, "adminKey admin lead", OtherDepartment: Admins, Build: c => new("/api/v1/goals/import", new CsvBody(
            "id,title,metric,target,owners,scope.campaigns,start,end\n" +
            $"g{c.Org.Unique()},Imported goal,leads,50,{c.Department},{c.Org.Campaign},{DateTimeOffset.UtcNow.AddDays(-1):O},{DateTimeOffset.UtcNow.AddDays(10):O}\n"))),

        // Boards: the link reads its own board (the overview) and no other; no replay.
        new("GET /api/v1/boards/{boardId}", 200, Readers + " link", OtherDepartment: Readers,
            Build: c => new(c.Other ? $"/api/v1/boards/campaign:{c.Org.Campaign}" : "/api/v1/boards/overview")),
        new("GET /api/v1/boards/{boardId}/replay", 200, Readers,
            Build: _ => new($"/api/v1/boards/overview/replay?at={AlignmentApi.Query(DateTimeOffset.UtcNow.AddSeconds(-5))}")),

        new("GET /api/v1/metrics", 200, Readers, Build: _ => new("/api/v1/metrics")),
        new("POST /api/v1/metrics", 201, Admins, Build: c => new("/api/v1/metrics", new { key = "m" + c.Org.Unique().Replace('-', '_'), name = "New", kind = "additive" })),
        new("GET /api/v1/settings", 200, Readers, Build: _ => new("/api/v1/settings")),
        new("PUT /api/v1/settings", 200, Admins, Build: _ => new("/api/v1/settings", new { alertHoldMinutes = 7 })),

        new("GET /api/v1/feed", 200, Readers, Build: _ => new("/api/v1/feed")),
        new("GET /api/v1/feed.csv", 200, Readers, Build: _ => new("/api/v1/feed.csv")),
        new("POST /api/v1/feed/announcements", 201, "adminKey ingestKey admin lead member", OtherDepartment: "adminKey ingestKey admin",
            Build: c => new("/api/v1/feed/announcements", new { from = c.Department, to = new[] { "marketing", "sales" }, text = "Heads up", campaign = c.Org.Campaign })),
        new("POST /api/v1/feed/{entryId}/acknowledge", 200, "adminKey ingestKey admin lead member", OtherDepartment: "adminKey ingestKey admin",
            BuildAsync: async c => new($"/api/v1/feed/{(c.Fresh ? await c.Org.NewAlertAsync() : c.Org.Alert)}/acknowledge", new { department = c.Department })),

        // Reviews: leads publish them too (a frozen snapshot of the organization's goals).
        new("POST /api/v1/reviews", 201, "adminKey admin lead", Build: c => new("/api/v1/reviews", new { id = "r" + c.Org.Unique(), name = "Q review" })),
        new("GET /api/v1/reviews", 200, Readers, Build: _ => new("/api/v1/reviews")),
        new("GET /api/v1/reviews/{reviewId}", 200, Readers, Build: c => new($"/api/v1/reviews/{c.Org.Review}")),
        new("GET /api/v1/reviews/{reviewId}/comparison", 200, Readers, Build: c => new($"/api/v1/reviews/{c.Org.Review}/comparison")),
        new("GET /api/v1/reviews/{reviewId}/comparison.csv", 200, Readers, Build: c => new($"/api/v1/reviews/{c.Org.Review}/comparison.csv")),

        new("POST /api/v1/rules", 201, Admins, Build: c => new("/api/v1/rules", c.Org.RuleBody("r" + c.Org.Unique()))),
        new("GET /api/v1/rules", 200, Readers, Build: _ => new("/api/v1/rules")),
        new("GET /api/v1/rules/{ruleId}", 200, Readers, Build: c => new($"/api/v1/rules/{c.Org.Rule}")),
        new("PUT /api/v1/rules/{ruleId}", 200, Admins, BuildAsync: async c => new($"/api/v1/rules/{(c.Fresh ? await c.Org.NewRuleAsync() : c.Org.Rule)}", new
        {
            name = "Changed", metric = "leads", condition = "risesBy", threshold = 10, windowMinutes = 30, notify = new[] { "marketing" },
        })),
        new("DELETE /api/v1/rules/{ruleId}", 204, Admins, BuildAsync: async c => new($"/api/v1/rules/{(c.Fresh ? await c.Org.NewRuleAsync() : c.Org.Rule)}")),

        // Webhook sources: admins manage them; a delivery needs no credential (the tool's signature is one), so every
        // caller gets the same answer, and the URL's source id, not the caller, says whose it is (no foreign cells).
        new("POST /api/v1/sources", 201, Admins, Build: c => new("/api/v1/sources", new { name = "Shop " + c.Org.Unique(), scheme = "shopify", secret = "shpss_" + c.Org.Unique() })),
        new("GET /api/v1/sources", 200, Admins, Build: _ => new("/api/v1/sources")),
        new("GET /api/v1/sources/{sourceId}", 200, Admins, Build: c => new($"/api/v1/sources/{c.Org.Source}")),
        new("PUT /api/v1/sources/{sourceId}", 200, Admins, BuildAsync: async c => new($"/api/v1/sources/{(c.Fresh ? await c.Org.NewSourceAsync() : c.Org.Source)}",
            new { name = "Renamed shop", mapping = new { department = "sales" } })),
        new("DELETE /api/v1/sources/{sourceId}", 204, Admins, BuildAsync: async c => new($"/api/v1/sources/{(c.Fresh ? await c.Org.NewSourceAsync() : c.Org.Source)}")),
        new("POST /api/v1/sources/{sourceId}/secret", 200, Admins, BuildAsync: async c => new($"/api/v1/sources/{(c.Fresh ? await c.Org.NewSourceAsync() : c.Org.Source)}/secret",
            new { secret = "shpss_rotated_" + c.Org.Unique() })),
        new("GET /api/v1/sources/{sourceId}/failures", 200, Admins, Build: c => new($"/api/v1/sources/{c.Org.Source}/failures")),
        new("POST /api/v1/sources/{sourceId}/webhook", 200, Everyone, Build: c => new($"/api/v1/sources/{c.Org.Source}/webhook", c.Org.ShopifyOrder()), Foreign: false),
        // Subscriptions: admins only (the URL and the secret are credentials).
        // Unmarked: another organization's admin posting it creates one of its own (nothing in it names this organization).
        new("POST /api/v1/subscriptions", 201, Admins, Build: c => new("/api/v1/subscriptions", c.Org.SubscriptionBody(marked: false))),
        new("GET /api/v1/subscriptions", 200, Admins, Build: _ => new("/api/v1/subscriptions")),
        new("GET /api/v1/subscriptions/{subscriptionId}", 200, Admins, Build: c => new($"/api/v1/subscriptions/{c.Org.Subscription}")),
        new("PUT /api/v1/subscriptions/{subscriptionId}", 200, Admins, BuildAsync: async c =>
            new($"/api/v1/subscriptions/{(c.Fresh ? await c.Org.NewSubscriptionAsync() : c.Org.Subscription)}", c.Org.SubscriptionBody(name: "Changed"))),
        new("DELETE /api/v1/subscriptions/{subscriptionId}", 204, Admins,
            BuildAsync: async c => new($"/api/v1/subscriptions/{(c.Fresh ? await c.Org.NewSubscriptionAsync() : c.Org.Subscription)}")),
        new("POST /api/v1/subscriptions/{subscriptionId}/rotate-secret", 200, Admins,
            BuildAsync: async c => new($"/api/v1/subscriptions/{(c.Fresh ? await c.Org.NewSubscriptionAsync() : c.Org.Subscription)}/rotate-secret")),
        new("GET /api/v1/subscriptions/{subscriptionId}/deliveries", 200, Admins, Build: c => new($"/api/v1/subscriptions/{c.Org.Subscription}/deliveries")),
        // Nothing is ever dead-lettered in this system (its retry window is the production one's): an admin
        // reaches the delivery log and finds no such delivery (404); everyone else is refused before that.
        new("POST /api/v1/subscriptions/{subscriptionId}/deliveries/{deliveryId}/retry", 404, Admins,
            Build: c => new($"/api/v1/subscriptions/{c.Org.Subscription}/deliveries/msg_none/retry")),

        new("GET /api/v1/audit", 200, Admins, Build: _ => new("/api/v1/audit")),
        new("POST /api/v1/events", 200, "adminKey ingestKey admin", Build: c => new("/api/v1/events", new
        {
            events = new[] { new { id = "ev-" + c.Org.Unique(), metric = "leads", value = 1, campaign = c.Org.Campaign, department = "marketing", source = "matrix" } },
        })),
        new("POST /api/v1/events/import", 200, "adminKey ingestKey admin", Build: c => new("/api/v1/events/import", new CsvBody(
            $"id,metric,value,campaign,department,source\nev-{c.Org.Unique()},leads,1,{c.Org.Campaign},marketing,matrix\n"))),
    ];

    private static object SsoConfig(MatrixOrganization org) => new
    {
        issuer = org.Tenant.System.OidcIssuer.ToString().TrimEnd('/'),
        clientId = AlignSystem.OidcClientId,
        clientSecret = AlignSystem.OidcClientSecret,
        allowedDomains = new[] { "matrix.example" },
    };

    /// <summary>Configures the organization's SSO with its admin key, so that a GET or DELETE that is meant to succeed has something to find.</summary>
    private static async Task EnsureSsoAsync(MatrixOrganization org)
    {
        using var answer = await org.Tenant.SendAsync(HttpMethod.Put, "/api/v1/sso", SsoConfig(org));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    /// <summary>
    /// Every hub method, called as each credential that can connect (connecting: the hub's readers and
    /// the link). The boards: the overview (the link's), the campaign's war room, a department both
    /// organizations have and one only the caller's has ("department").
    /// </summary>
    private static readonly HubRow[] HubRows =
    [
        new("WatchBoard", "overview", Readers + " link"),
        new("WatchBoard", "campaign", Readers),
        new("WatchBoard", "department:marketing", Readers),
        new("WatchBoard", "department", Readers),
        new("UnwatchBoard", "overview", Readers + " link"),
    ];

    /// <summary>Who may open a hub connection at all.</summary>
    private const string HubConnects = Readers + " link";

    [Fact]
    public async Task Every_operation_of_the_OpenAPI_document_has_a_row_and_every_row_an_operation()
    {
        var document = JsonNode.Parse(await system.Http.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var documented = document["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Where(m => m.Key is not ("parameters" or "summary" or "description")).Select(m => $"{m.Key.ToUpperInvariant()} {p.Key}"))
            .ToHashSet(StringComparer.Ordinal);
        var rows = Rows.Select(r => r.Operation).ToList();
        Assert.True(rows.Count == rows.Distinct().Count(), "Rows named twice: " + string.Join(", ", rows.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key)));
        var missing = documented.Except(rows).Order(StringComparer.Ordinal).ToList();
        var extra = rows.Except(documented).Order(StringComparer.Ordinal).ToList();
        // The success each row expects is one the document declares for the operation.
        var undeclared = Rows.Where(r => documented.Contains(r.Operation))
            .Where(r => document["paths"]![r.Operation.Split(' ')[1]]![r.Operation.Split(' ')[0].ToLowerInvariant()]!["responses"]![r.Success.ToString()] is null)
            .Select(r => $"{r.Operation} {r.Success}").ToList();
        Assert.True(undeclared.Count == 0, $"Rows expect a success the document does not declare: {string.Join("; ", undeclared)}");
        Assert.True(missing.Count == 0 && extra.Count == 0,
            (missing.Count > 0 ? $"Operations of the OpenAPI document without a row in RoleMatrixTests.Rows (add one line each): {string.Join("; ", missing)}. " : "") +
            (extra.Count > 0 ? $"Rows naming operations the document lacks: {string.Join("; ", extra)}." : ""));
    }

    [Fact]
    public void Every_hub_method_has_a_row()
    {
        var source = File.ReadAllText(Path.Combine(AlignSystem.RepositoryRoot(), "gateway", "Orleans.Align.Gateway", "Live", "LiveHub.cs"));
        var methods = Regex.Matches(source, @"public\s+(?:async\s+)?(?:Task|ValueTask)(?:<[^>]+>)?\s+(\w+)\s*\(").Select(m => m.Groups[1].Value)
            .Where(m => m is not ("OnConnectedAsync" or "OnDisconnectedAsync")).ToHashSet();
        Assert.NotEmpty(methods);
        var missing = methods.Except(HubRows.Select(r => r.Method)).ToList();
        Assert.True(missing.Count == 0, $"Hub methods without a row in RoleMatrixTests.HubRows: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Every_operation_answers_every_credential_of_its_own_and_of_another_organization_as_the_table_says()
    {
        var (a, b) = await OrganizationsAsync();
        var failures = new ConcurrentQueue<string>();
        var log = new ConcurrentQueue<string>(); // every cell and its answer, for a reader of the logs
        Task<MatrixCaller> CallerAsync(MatrixOrganization org, string name, MatrixRow row) => row.OwnSession
            ? org.Callers[name].CloneAsync()
            : Task.FromResult(org.Callers[name]);

        // 1. Refusals, an operation at a time: its refused calls (own organization) and the other
        //    organization's calls on this one's objects, between two fingerprints of this one.
        foreach (var row in Rows)
        {
            foreach (var (target, actor) in new[] { (a, b), (b, a) })
            {
                var cells = new List<Func<Task>>();
                foreach (var variant in row.Variants)
                {
                    foreach (var credential in Credentials)
                    {
                        if (target == a && row.Expected(credential, variant) is null)
                        {
                            var context = new MatrixCell(a, credential, variant, Fresh: false);
                            cells.Add(async () =>
                            {
                                var request = await row.BuildRequestAsync(context);
                                var answer = await (await CallerAsync(a, credential, row)).SendAsync(row.Method, request.Path, request.Body);
                                var refusal = row.Refusal(credential);
                                log.Enqueue($"{row.Operation} [{variant}] {a.Prefix}:{credential} -> {answer.Status} (refused: {refusal})");
                                if (answer.Status != refusal || answer.ContentType != "application/problem+json")
                                    failures.Enqueue($"{row.Operation} [{variant}] as {credential}: expected {refusal} problem, got {answer} ({request.Path})");
                            });
                        }
                        if (row.Foreign && credential != "platform")
                        {
                            var context = new MatrixCell(target, credential, variant, Fresh: false);
                            cells.Add(async () =>
                            {
                                var request = await row.BuildRequestAsync(context);
                                var answer = await (await CallerAsync(actor, credential, row)).SendAsync(row.Method, request.Path, request.Body);
                                log.Enqueue($"{row.Operation} [{variant}] {actor.Prefix}:{credential} on {target.Prefix} -> {answer.Status} (foreign)");
                                if (answer.Status == 500) failures.Enqueue($"{row.Operation} [{variant}] as {actor.Prefix}'s {credential} on {target.Prefix}'s {request.Path}: 500 {answer}");
                                var namesOwnObject = target.OwnIds.Any(id => request.Path.Contains(id, StringComparison.Ordinal));
                                if (namesOwnObject && answer.Status is >= 200 and < 300)
                                    failures.Enqueue($"{row.Operation} [{variant}] as {actor.Prefix}'s {credential} on {target.Prefix}'s {request.Path}: expected 403 or 404, got {answer}");
                                if (answer.Body.Contains(target.Marker, StringComparison.Ordinal))
                                    failures.Enqueue($"{row.Operation} [{variant}] as {actor.Prefix}'s {credential} on {target.Prefix}'s {request.Path}: the answer holds {target.Prefix}'s data: {answer}");
                            });
                        }
                    }
                }
                if (cells.Count == 0) continue;
                var before = row.Changes ? await target.FingerprintAsync() : null;
                var mark = row.Changes ? await target.AuditMarkAsync() : 0;
                using (var batch = new SemaphoreSlim(12))
                    await Task.WhenAll(cells.Select(async cell =>
                    {
                        await batch.WaitAsync();
                        try { await cell(); }
                        catch (Exception e) { failures.Enqueue($"{row.Operation}: a call of the refusal phase threw {e.GetType().Name} {e.Message}"); }
                        finally { batch.Release(); }
                    }));
                if (before is null) continue;
                var after = await target.FingerprintAsync();
                foreach (var (part, value) in before)
                {
                    if (after[part] != value) failures.Enqueue($"{row.Operation}: a refused call changed {target.Prefix}'s {part}: {Difference(value, after[part])}");
                }
                foreach (var entry in await target.SucceededSinceAsync(mark))
                    failures.Enqueue($"{row.Operation}: a refused call left a succeeded audit entry in {target.Prefix}: {entry}");
            }
        }

        // 2. Allowed calls: each on objects of its own, with the documented answer. A few at a time: a
        //    hundred creations at once would measure a busy machine's silo, not the roles.
        var allowed = new List<Task>();
        using var gate = new SemaphoreSlim(8);
        // Rows on an organization's one resource (its SSO configuration) run their allowed calls one at a
        // time (each sets up what it needs inside its turn): a DELETE must not take away what a GET was set up to find.
        using var serial = new SemaphoreSlim(1);
        foreach (var row in Rows)
        {
            foreach (var variant in row.Variants)
            {
                foreach (var credential in Credentials)
                {
                    if (row.Expected(credential, variant) is not { } status) continue;
                    var context = new MatrixCell(a, credential, variant, Fresh: true);
                    allowed.Add(Task.Run(async () =>
                    {
                        var turn = row.Serial ? serial : gate;
                        await turn.WaitAsync();
                        try
                        {
                            var request = await row.BuildRequestAsync(context);
                            var answer = await (await CallerAsync(a, credential, row)).SendAsync(row.Method, request.Path, request.Body);
                            log.Enqueue($"{row.Operation} [{variant}] {a.Prefix}:{credential} -> {answer.Status} (allowed: {status})");
                            if (answer.Status != status) failures.Enqueue($"{row.Operation} [{variant}] as {credential}: expected {status}, got {answer} ({request.Path})");
                        }
                        catch (Exception e)
                        {
                            failures.Enqueue($"{row.Operation} [{variant}] as {credential}: {e.GetType().Name} {e.Message}");
                        }
                        finally
                        {
                            turn.Release();
                        }
                    }));
                }
            }
        }
        await Task.WhenAll(allowed);
        await File.WriteAllLinesAsync(Path.Combine(system.LogDirectory, "role-matrix-cells.txt"), log.Order(StringComparer.Ordinal));

        Assert.True(failures.IsEmpty, $"{failures.Count} cells of the matrix disagree:\n" + string.Join("\n", failures.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Every_hub_method_answers_every_credential_of_its_own_and_of_another_organization_as_the_table_says()
    {
        var (a, b) = await OrganizationsAsync();
        var failures = new ConcurrentQueue<string>();
        string Board(MatrixOrganization org, string board) => board switch
        {
            "campaign" => $"campaign:{org.Campaign}",
            "department" => $"department:{org.OwnDepartment}",
            _ => board,
        };

        await Task.WhenAll(new[] { (a, b), (b, a) }.SelectMany(pair => Credentials.Select(async credential =>
        {
            var (own, other) = pair;
            await using var hub = own.Callers[credential].Hub();
            var connects = Listed(HubConnects, credential);
            try
            {
                await hub.StartAsync();
            }
            catch (HttpRequestException e)
            {
                var expected = credential is "none" or "platform" ? 401 : 403;
                if (connects || (int?)e.StatusCode != expected)
                    failures.Enqueue($"hub connect as {own.Prefix}'s {credential}: {(connects ? "should connect" : $"expected {expected}")}, got {(int?)e.StatusCode} {e.Message}");
                return;
            }
            if (!connects)
            {
                failures.Enqueue($"hub connect as {own.Prefix}'s {credential}: connected, should be refused");
                return;
            }

            foreach (var row in HubRows)
            {
                // Own organization: as the table says, and the snapshot is this organization's.
                var board = Board(own, row.Board);
                var (ok, text) = await InvokeAsync(hub, row.Method, board);
                var allowed = Listed(row.Allowed, credential);
                if (ok != allowed) failures.Enqueue($"hub {row.Method}({board}) as {own.Prefix}'s {credential}: {(allowed ? "should be allowed" : "should be refused")}, got {text}");
                if (ok && row.Method == "WatchBoard" && !text.Contains($"\"boardId\":\"{board}\"", StringComparison.Ordinal))
                    failures.Enqueue($"hub {row.Method}({board}) as {own.Prefix}'s {credential}: the snapshot is not the board's: {text}");
                if (ok && row.Method == "WatchBoard" && row.Board is "overview" or "campaign" && !text.Contains(own.MarketingGoal, StringComparison.Ordinal))
                    failures.Enqueue($"hub {row.Method}({board}) as {own.Prefix}'s {credential}: the snapshot lacks the organization's goal: {text}");
                if (hub.State != HubConnectionState.Connected) await RestartAsync(hub);

                // The other organization's board: never found, never its data.
                var foreign = Board(other, row.Board);
                var (foreignOk, foreignText) = await InvokeAsync(hub, row.Method, foreign);
                if (foreignText.Contains(other.Marker, StringComparison.Ordinal) || foreignText.Contains(other.MarketingGoal, StringComparison.Ordinal))
                    failures.Enqueue($"hub {row.Method}({foreign}) as {own.Prefix}'s {credential}: holds {other.Prefix}'s data: {foreignText}");
                if (foreignOk && row.Method == "WatchBoard" && foreign != board)
                    failures.Enqueue($"hub {row.Method}({foreign}) as {own.Prefix}'s {credential}: {other.Prefix}'s board should not be found, got {foreignText}");
                if (hub.State != HubConnectionState.Connected) await RestartAsync(hub);
            }
        })));

        Assert.True(failures.IsEmpty, $"{failures.Count} hub cells disagree:\n" + string.Join("\n", failures.Order(StringComparer.Ordinal)));
    }

    /// <summary>Where two fingerprints part: a little of each from the first character that differs.</summary>
    private static string Difference(string before, string after)
    {
        var at = 0;
        while (at < before.Length && at < after.Length && before[at] == after[at]) at++;
        var from = Math.Max(0, at - 80);
        string Window(string text) => text[from..Math.Min(text.Length, at + 160)];
        return $"at character {at}:\n  before …{Window(before)}\n  after  …{Window(after)}";
    }

    private static async Task<(bool Ok, string Text)> InvokeAsync(HubConnection hub, string method, string board)
    {
        try
        {
            if (method == "WatchBoard") return (true, (await hub.InvokeAsync<JsonElement>(method, board)).GetRawText());
            await hub.InvokeAsync(method, board);
            return (true, "(done)");
        }
        catch (HubException e)
        {
            return (false, "HubException: " + e.Message);
        }
    }

    private static async Task RestartAsync(HubConnection hub)
    {
        if (hub.State == HubConnectionState.Disconnected) await hub.StartAsync();
    }

    /// <summary>A goal of the cell's department for an allowed call to change (archived first when asked).</summary>
    private static async Task<string> NewDepartmentAsync(MatrixCell c, bool archived = false)
    {
        var id = "d" + c.Org.Unique();
        await c.Org.Tenant.PostOkAsync("/api/v1/departments", new { id, name = "Department to archive" });
        if (archived) await c.Org.Tenant.PostOkAsync($"/api/v1/departments/{id}/archive", new { });
        return id;
    }

    /// <summary>A campaign of the cell's department alone for an allowed call to change (archived first when asked).</summary>
    private static async Task<string> NewCampaignAsync(MatrixCell c, bool archived = false)
    {
        var id = "c" + c.Org.Unique();
        await c.Org.Tenant.PostOkAsync("/api/v1/campaigns", new { id, name = "Campaign to archive", departments = new[] { c.Department } });
        if (archived) await c.Org.Tenant.PostOkAsync($"/api/v1/campaigns/{id}/archive", new { });
        return id;
    }

    private static async Task<string> NewGoalAsync(MatrixCell c, bool archived = false)
    {
        var id = "g" + c.Org.Unique();
        await c.Org.Tenant.PostOkAsync("/api/v1/goals", new
        {
            id, title = "Goal to archive", metric = "leads", target = 50, owners = new[] { c.Department },
            scope = new { campaign = c.Org.Campaign }, start = DateTimeOffset.UtcNow.AddDays(-1), end = DateTimeOffset.UtcNow.AddDays(10),
        });
        if (archived) await c.Org.Tenant.PostOkAsync($"/api/v1/goals/{id}/archive", new { });
        return id;
    }

    private static bool Listed(string list, string credential) => list.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(e => e.Split(':')[0] == credential);

    private static readonly ConcurrentDictionary<AlignSystem, Lazy<Task<(MatrixOrganization, MatrixOrganization)>>> Seeded = new();

    /// <summary>Organizations A and B, seeded once for the class (in parallel).</summary>
    private Task<(MatrixOrganization A, MatrixOrganization B)> OrganizationsAsync() =>
        Seeded.GetOrAdd(system, s => new(async () =>
        {
            var seeded = await Task.WhenAll(MatrixOrganization.SeedAsync(s, "ma"), MatrixOrganization.SeedAsync(s, "mb"));
            return (seeded[0], seeded[1]);
        })).Value;
}

/// <summary>A request of the matrix: the path (query included) and the JSON body, if any.</summary>
public sealed record MatrixRequest(string Path, object? Body = null);

/// <summary>
/// Who a request is built for: the organization whose objects it names, the credential, the variant
/// (own department: marketing; other: sales) and whether it is expected to succeed (then it gets fresh objects).
/// </summary>
public sealed record MatrixCell(MatrixOrganization Org, string Credential, string Variant, bool Fresh)
{
    public bool Other => Variant == MatrixRow.OtherVariant;
    public string Department => Other ? "sales" : "marketing";
}

/// <summary>A hub method called on a board (overview, "campaign": the organization's campaign, or a board id), and who may.</summary>
public sealed record HubRow(string Method, string Board, string Allowed);

/// <summary>One operation of the matrix (see <c>RoleMatrixTests.Rows</c>).</summary>
public sealed record MatrixRow(
    string Operation,
    int Success,
    string Allowed,
    Func<MatrixCell, MatrixRequest>? Build = null,
    Func<MatrixCell, Task<MatrixRequest>>? BuildAsync = null,
    string? OtherDepartment = null,
    string? Refusals = null,
    bool Foreign = true,
    bool OwnSession = false,
    bool Serial = false)
{
    public const string OwnVariant = "marketing", OtherVariant = "sales";

    public HttpMethod Method => new(Operation.Split(' ')[0]);

    public bool Changes => Method != HttpMethod.Get;

    public IEnumerable<string> Variants => OtherDepartment is null ? [OwnVariant] : [OwnVariant, OtherVariant];

    public Task<MatrixRequest> BuildRequestAsync(MatrixCell cell) =>
        BuildAsync is not null ? BuildAsync(cell) : Task.FromResult(Build!(cell));

    /// <summary>The status the credential gets when allowed; null when refused.</summary>
    public int? Expected(string credential, string variant)
    {
        foreach (var entry in (variant == OtherVariant ? OtherDepartment! : Allowed).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(':');
            if (parts[0] == credential) return parts.Length > 1 ? int.Parse(parts[1]) : Success;
        }
        return null;
    }

    /// <summary>The refusal's status: 401 without a usable credential (none, or the platform key on a tenant's operation), else 403, unless the row says otherwise (name:status).</summary>
    public int Refusal(string credential)
    {
        foreach (var entry in (Refusals ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(':');
            if (parts[0] == credential) return int.Parse(parts[1]);
        }
        return credential is "none" or "platform" ? 401 : 403;
    }
}
