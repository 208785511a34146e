using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsvHelper;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// CSV in and out over HTTP: an events import validated whole and idempotent per row, foreign headers
/// mapped, goals imported all or nothing, exports of provenance (every page), the feed and a review
/// comparison read back with CsvHelper, and a provenance export that imports into another organization
/// and gives the same goal value.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CsvTests(AlignSystem system)
{
    // Whole milliseconds: the log keeps event times to the millisecond.
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private static string At(int minutesAgo) => Now.AddMinutes(-minutesAgo).ToString("O", CultureInfo.InvariantCulture);

    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> SendCsvAsync(Tenant tenant, string path, string csv, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? tenant.ApiKey);
        using var response = await tenant.System.Http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonNode> ImportOkAsync(Tenant tenant, string path, string csv)
    {
        var (status, _, body) = await SendCsvAsync(tenant, path, csv);
        Assert.True(status == HttpStatusCode.OK, $"POST {path} failed: {(int)status} {body}");
        return JsonNode.Parse(body)!;
    }

    private static async Task<JsonNode> ImportRefusedAsync(Tenant tenant, string path, string csv, HttpStatusCode expected, string? key = null)
    {
        var (status, contentType, body) = await SendCsvAsync(tenant, path, csv, key);
        Assert.True(status == expected, $"expected {(int)expected}, got {(int)status}: {body}");
        Assert.Equal("application/problem+json", contentType);
        return JsonNode.Parse(body)!;
    }

    /// <summary>An export: text/csv, parsed back with CsvHelper into rows by header name.</summary>
    private static async Task<(IReadOnlyList<string> Header, List<Dictionary<string, string>> Rows)> ExportAsync(Tenant tenant, string path, string? key = null)
    {
        using var response = await tenant.SendAsync(HttpMethod.Get, path, key: key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} failed: {(int)response.StatusCode} {text}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        using var reader = CsvReader.FromText(text, new CsvReaderOptions { Separator = ',' });
        reader.ReadHeader();
        var header = reader.Headers.ToList();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
            rows.Add(header.Select((h, i) => (h, v: reader.GetString(i))).ToDictionary(x => x.h, x => x.v));
        return (header, rows);
    }

    private static IEnumerable<(int Row, string Id, string Outcome)> Outcomes(JsonNode answer) =>
        answer["results"]!.AsArray().Select(r => (r!["row"]!.GetValue<int>(), r["id"].Text(), r["outcome"].Text()));

    [Fact]
    public async Task An_events_import_reports_each_row_accepted_then_duplicate_or_conflict_on_reimport()
    {
        var tenant = await system.CreateTenantAsync("csv-ev");
        var (_, goal) = await tenant.SeedLaunchAsync(target: 1000);
        var csv = "id,metric,value,timestamp,campaign,department,source\n" +
                  $"o-1,leads,10,{At(3)},launch,marketing,sheet\n" +
                  $"o-2,leads,20.5,{At(2)},launch,sales,sheet\n" +
                  $"o-3,leads,30,{At(1)},launch,marketing,sheet\n";

        var first = await ImportOkAsync(tenant, "/api/v1/events/import", csv);
        Assert.Equal([(2, "o-1", "accepted"), (3, "o-2", "accepted"), (4, "o-3", "accepted")], Outcomes(first));
        Assert.Equal(3, first["accepted"]!.GetValue<int>());
        await tenant.GoalWhenAsync(goal, g => g["progress"].Number() == 60.5);

        // The same rows again, one of them changed, and a new one.
        var again = csv.Replace($"o-3,leads,30,", $"o-3,leads,31,") + $"o-4,leads,4,{At(1)},launch,pr,sheet\n";
        var second = await ImportOkAsync(tenant, "/api/v1/events/import", again);
        Assert.Equal([(2, "o-1", "duplicate"), (3, "o-2", "duplicate"), (4, "o-3", "conflict"), (5, "o-4", "accepted")], Outcomes(second));
        Assert.Equal((1, 2, 1), (second["accepted"]!.GetValue<int>(), second["duplicates"]!.GetValue<int>(), second["conflicts"]!.GetValue<int>()));
        Assert.True(second["results"]![2]!["storedSequence"]!.GetValue<long>() > 0);
        await tenant.GoalWhenAsync(goal, g => g["progress"].Number() == 64.5);
    }

    [Fact]
    public async Task A_bad_row_refuses_the_whole_file_with_every_bad_row_and_stores_nothing()
    {
        var tenant = await system.CreateTenantAsync("csv-bad");
        await tenant.SeedLaunchAsync();
        var csv = "id,metric,value,campaign\n" +
                  "b-1,leads,1,launch\n" +
                  "b-2,leads,lots,launch\n" +     // row 3: not a number
                  ",leads,1,launch\n" +            // row 4: no id
                  "b-4,Leads!,1,launch\n" +        // row 5: not a metric key
                  "b-5,leads,1,nowhere\n";         // row 6: not a campaign of the organization

        var problem = await ImportRefusedAsync(tenant, "/api/v1/events/import", csv, HttpStatusCode.UnprocessableEntity);
        var rows = problem["rows"]!.AsArray().Select(r => (r!["row"]!.GetValue<int>(), r["column"].Text())).ToList();
        Assert.Equal([(3, "value"), (4, "id"), (5, "metric"), (6, "campaign")], rows);
        Assert.Equal(4, problem["errorCount"]!.GetValue<int>());

        // Not CSV at all, or no CSV: a problem document, never a 500.
        Assert.NotNull((await ImportRefusedAsync(tenant, "/api/v1/events/import", "", HttpStatusCode.BadRequest))["errors"]!["header"]);
        Assert.NotNull((await ImportRefusedAsync(tenant, "/api/v1/events/import", "id,metric,value\nq-1,\"leads,1\n", HttpStatusCode.BadRequest))["errors"]!["file"]);
        Assert.NotNull((await ImportRefusedAsync(tenant, "/api/v1/events/import", "id,metric,value\n", HttpStatusCode.BadRequest))["errors"]!["file"]);

        // Nothing of it was stored: the good row is new when the file comes back fixed.
        var fixedFile = "id,metric,value,campaign\nb-1,leads,1,launch\nb-2,leads,2,launch\n";
        var answer = await ImportOkAsync(tenant, "/api/v1/events/import", fixedFile);
        Assert.Equal([(2, "b-1", "accepted"), (3, "b-2", "accepted")], Outcomes(answer));
    }

    [Fact]
    public async Task A_file_larger_than_a_json_batch_is_read_whole_and_its_last_bad_row_refuses_it()
    {
        var tenant = await system.CreateTenantAsync("csv-big");
        await tenant.SeedLaunchAsync();
        // About 1.3 MB: above the JSON ingest's 1 MiB body and 5,000 events, within the import's 8 MiB.
        var csv = new StringBuilder("id,metric,value,timestamp,campaign,department,source\n");
        for (var i = 1; i <= 15_000; i++) csv.Append(CultureInfo.InvariantCulture, $"big-{i:D6},leads,1,{At(1)},launch,marketing,spreadsheet-backfill\n");
        csv.Append("big-last,leads,1,yesterday,launch,marketing,spreadsheet-backfill\n");
        Assert.True(csv.Length > 1024 * 1024);

        var problem = await ImportRefusedAsync(tenant, "/api/v1/events/import", csv.ToString(), HttpStatusCode.UnprocessableEntity);
        var row = Assert.Single(problem["rows"]!.AsArray());
        Assert.Equal((15_002, "timestamp"), (row!["row"]!.GetValue<int>(), row["column"].Text()));
    }

    [Fact]
    public async Task Foreign_headers_are_mapped_and_an_unknown_or_unmapped_column_is_refused()
    {
        var tenant = await system.CreateTenantAsync("csv-map");
        var (_, goal) = await tenant.SeedLaunchAsync(target: 1000);

        // A misspelt column is refused like an unknown JSON member, not dropped.
        var misspelt = await ImportRefusedAsync(tenant, "/api/v1/events/import", "id,metric,value,campain\nm-0,leads,1,launch\n", HttpStatusCode.BadRequest);
        Assert.Contains("campain", misspelt["errors"]!["header"]![0].Text());
        // So is a mapping to a field that does not exist.
        var unknownTarget = await ImportRefusedAsync(tenant, "/api/v1/events/import?map.amount=Total", "id,metric,Total\nm-0,leads,1\n", HttpStatusCode.BadRequest);
        Assert.NotNull(unknownTarget["errors"]!["map.amount"]);

        // Another tool's export: its own headers mapped, a column skipped on purpose.
        var export = "Order ID,Kind,Total,Created at,Note\n" +
                     $"#1001,leads,12.5,{At(5)},\"first, with a comma\"\n" +
                     $"#1002,leads,7.5,{At(4)},\"=HYPERLINK(\"\"x\"\")\"\n";
        var path = "/api/v1/events/import?map.id=Order%20ID&map.metric=Kind&map.value=Total&map.timestamp=Created%20at&ignore=Note&map.campaign=Camp";
        var missing = await ImportRefusedAsync(tenant, path, export, HttpStatusCode.BadRequest);
        Assert.Contains("Camp", missing["errors"]!["map.campaign"]![0].Text());
        var answer = await ImportOkAsync(tenant, path.Replace("&map.campaign=Camp", ""), export);
        Assert.Equal([(2, "#1001", "accepted"), (3, "#1002", "accepted")], Outcomes(answer));

        // No campaign: the events count for goals over every campaign, not for the launch's goal.
        await tenant.PostOkAsync("/api/v1/goals", new
        {
            id = "all-leads", title = "All leads", metric = "leads", target = 100, owners = new[] { "marketing" },
            start = Now.AddDays(-1), end = Now.AddDays(30),
        });
        await tenant.GoalWhenAsync("all-leads", g => g["progress"].Number() == 20);
        Assert.Equal(0, (await tenant.GetOkAsync($"/api/v1/goals/{goal}"))["progress"].Number());
    }

    [Fact]
    public async Task Goals_import_all_or_nothing_with_parents_on_earlier_rows_and_reimport_unchanged()
    {
        var tenant = await system.CreateTenantAsync("csv-goals");
        await tenant.SeedOrganizationAsync();
        var csv = "id,title,metric,target,owners,scope.campaigns,start,end,parent,weight\n" +
                  $"company-leads,Company leads,leads,500,marketing;sales,,{At(60)},{Now.AddDays(30):O},,\n" +
                  $"launch-leads,Launch leads,leads,200,marketing,launch,{At(60)},{Now.AddDays(30):O},company-leads,2\n";

        var created = await ImportOkAsync(tenant, "/api/v1/goals/import", csv);
        Assert.Equal([(2, "company-leads", "created"), (3, "launch-leads", "created")], Outcomes(created));
        var child = await tenant.GetOkAsync("/api/v1/goals/launch-leads");
        Assert.Equal("company-leads", child["parentId"].Text());
        Assert.Equal(["marketing", "sales"], (await tenant.GetOkAsync("/api/v1/goals/company-leads"))["owners"]!.AsArray().Select(o => o.Text()));

        var again = await ImportOkAsync(tenant, "/api/v1/goals/import", csv);
        Assert.Equal([(2, "company-leads", "unchanged"), (3, "launch-leads", "unchanged")], Outcomes(again));

        // One bad row (a changed definition, an unknown owner) refuses the file; the good row is not created.
        var mixed = "id,title,metric,target,owners,start,end\n" +
                    $"pr-mentions,PR mentions,leads,50,pr,{At(60)},{Now.AddDays(30):O}\n" +
                    $"company-leads,Company leads,leads,999,marketing;sales,{At(60)},{Now.AddDays(30):O}\n" +
                    $"ghost,Ghost,leads,5,nobody,{At(60)},{Now.AddDays(30):O}\n";
        var problem = await ImportRefusedAsync(tenant, "/api/v1/goals/import", mixed, HttpStatusCode.UnprocessableEntity);
        Assert.Equal([(3, "id"), (4, "owners")], problem["rows"]!.AsArray().Select(r => (r!["row"]!.GetValue<int>(), r["column"].Text())));
        using var absent = await tenant.SendAsync(HttpMethod.Get, "/api/v1/goals/pr-mentions");
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
    }

    [Fact]
    public async Task A_read_only_credential_cannot_import_and_another_organizations_goal_is_not_found()
    {
        var a = await system.CreateTenantAsync("csv-ten-a");
        await a.SeedLaunchAsync();
        await a.PostOkAsync("/api/v1/goals", new
        {
            id = "only-in-a", title = "Only in A", metric = "leads", target = 10, owners = new[] { "marketing" },
            start = Now.AddDays(-1), end = Now.AddDays(30),
        });
        var read = await a.CreateReadKeyAsync();
        await ImportRefusedAsync(a, "/api/v1/events/import", "id,metric,value\nr-1,leads,1\n", HttpStatusCode.Forbidden, read);
        await ImportRefusedAsync(a, "/api/v1/goals/import", $"id,title,metric,target,owners,start,end\nr-g,R,leads,5,marketing,{At(60)},{Now.AddDays(3):O}\n", HttpStatusCode.Forbidden, read);
        Assert.Single((await ExportAsync(a, "/api/v1/goals/only-in-a/events.csv", read)).Header, h => h == "id");

        var b = await system.CreateTenantAsync("csv-ten-b");
        await b.SeedLaunchAsync();
        await AssertProblemAsync(await b.SendAsync(HttpMethod.Get, "/api/v1/goals/only-in-a/events.csv"), 404);
        // Nor can B's file name A's goal as a parent.
        var problem = await ImportRefusedAsync(b, "/api/v1/goals/import",
            $"id,title,metric,target,owners,start,end,parent\nchild,Child,leads,5,marketing,{At(60)},{Now.AddDays(3):O},only-in-a\n", HttpStatusCode.UnprocessableEntity);
        Assert.Equal("parent", problem["rows"]![0]!["column"].Text());
    }

    [Fact]
    public async Task Provenance_exports_every_page_and_imports_into_another_organization_with_the_same_value()
    {
        var a = await system.CreateTenantAsync("csv-rt-a");
        var (_, goal) = await a.SeedLaunchAsync(target: 100_000);
        // More rows than a page of provenance (500), values with decimals, a source that looks like a formula.
        var csv = new StringBuilder("id,metric,value,timestamp,campaign,department,source\n");
        for (var i = 1; i <= 1_200; i++)
            csv.Append(CultureInfo.InvariantCulture, $"rt-{i},leads,{i % 7 + 0.25},{Now.AddSeconds(-i):O},launch,{(i % 2 == 0 ? "marketing" : "sales")},{(i == 1 ? "=cmd|' /C calc'!A0" : "sheet")}\n");
        var imported = await ImportOkAsync(a, "/api/v1/events/import", csv.ToString());
        Assert.Equal(1_200, imported["accepted"]!.GetValue<int>());
        // Two corrections of rt-2 (2.25): retracted, then corrected to 3, the chain's links listed newest first, as an
        // export lists them; the import puts each after what it corrects.
        var corrections = await ImportOkAsync(a, "/api/v1/events/import", "id,metric,value,corrects\nfix-2,leads,3,fix-1\nfix-1,leads,0,rt-2\n");
        Assert.Equal(2, corrections["accepted"]!.GetValue<int>());
        Assert.Equal([2, 3], corrections["results"]!.AsArray().Select(r => r!["row"]!.GetValue<int>()));
        var expected = Enumerable.Range(1, 1_200).Sum(i => i % 7 + 0.25) - 2.25 + 3;
        var valueInA = (await a.GoalWhenAsync(goal, g => Math.Abs(g["progress"].Number()!.Value - expected) < 1e-6))["progress"].Number();

        var (header, rows) = await ExportAsync(a, $"/api/v1/goals/{goal}/events.csv");
        Assert.Equal(["id", "metric", "value", "timestamp", "campaign", "department", "activity", "source", "corrects"], header);
        Assert.Equal(1_202, rows.Select(r => r["id"]).Distinct().Count());
        Assert.Equal("rt-2", rows.Single(r => r["id"] == "fix-1")["corrects"]);
        Assert.Equal("fix-1", rows.Single(r => r["id"] == "fix-2")["corrects"]);
        // The last link of the chain holds the value that counts: the file's originals plus the final correction, less what it replaced.
        Assert.Equal(expected, rows.Where(r => r["corrects"].Length == 0 && r["id"] != "rt-2").Sum(r => double.Parse(r["value"], CultureInfo.InvariantCulture))
            + double.Parse(rows.Single(r => r["id"] == "fix-2")["value"], CultureInfo.InvariantCulture), 6);
        Assert.All(rows, r => Assert.EndsWith("Z", r["timestamp"]));
        Assert.Equal("'=cmd|' /C calc'!A0", rows.Single(r => r["id"] == "rt-1")["source"]);
        Assert.Equal(Now.AddSeconds(-1).UtcDateTime, DateTime.Parse(rows.Single(r => r["id"] == "rt-1")["timestamp"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));

        // The export as it is, into another organization with the same catalogue and goal.
        var b = await system.CreateTenantAsync("csv-rt-b");
        await b.SeedLaunchAsync(target: 100_000);
        using var export = await a.SendAsync(HttpMethod.Get, $"/api/v1/goals/{goal}/events.csv");
        var file = await export.Content.ReadAsStringAsync();
        var intoB = await ImportOkAsync(b, "/api/v1/events/import", file);
        Assert.Equal(1_202, intoB["accepted"]!.GetValue<int>());
        await b.GoalWhenAsync(goal, g => g["progress"].Number() == valueInA);
    }

    [Fact]
    public async Task Feed_and_review_comparison_export_as_csv_with_formulas_escaped()
    {
        var tenant = await system.CreateTenantAsync("csv-feed");
        var (_, goal) = await tenant.SeedLaunchAsync();
        await tenant.PostEventsAsync(("f-1", 12));
        await tenant.GoalWhenAsync(goal, g => g["progress"].Number() == 12);
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "pr", to = new[] { "sales" }, text = "=SUM(A1:A9) coverage, \"quoted\"" });
        await tenant.PostOkAsync("/api/v1/feed/announcements", new { from = "sales", text = "@here pipeline is thin" });
        await tenant.PostOkAsync($"/api/v1/goals/{goal}/check-ins", new { department = "marketing", confidence = 7, note = "fine" });

        var (header, rows) = await ExportAsync(tenant, "/api/v1/feed.csv?kind=announcement");
        Assert.Contains("text", header);
        Assert.Equal(["'@here pipeline is thin", "'=SUM(A1:A9) coverage, \"quoted\""], rows.Select(r => r["text"]));
        Assert.Equal("sales", rows[1]["to"]);
        Assert.All(rows, r => Assert.Equal("announcement", r["kind"]));
        var all = (await ExportAsync(tenant, "/api/v1/feed.csv")).Rows;
        Assert.Contains(all, r => r["kind"] == "checkIn" && r["confidence"] == "7");

        await tenant.PostOkAsync("/api/v1/reviews", new { id = "q4", name = "Q4" });
        await tenant.PostEventsAsync(("f-2", 3));
        await tenant.GoalWhenAsync(goal, g => g["progress"].Number() == 15);
        var comparison = await ExportAsync(tenant, "/api/v1/reviews/q4/comparison.csv");
        Assert.Equal(["id", "title", "then", "now", "change", "percentThen", "percentNow", "statusThen", "statusNow"], comparison.Header);
        var row = Assert.Single(comparison.Rows);
        Assert.Equal((goal, "12", "15", "3"), (row["id"], row["then"], row["now"], row["change"]));
        await AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/reviews/no-such/comparison.csv"), 404);
        await AssertProblemAsync(await tenant.SendAsync(HttpMethod.Get, "/api/v1/feed.csv?kind=rumour"), 400);
    }
}
