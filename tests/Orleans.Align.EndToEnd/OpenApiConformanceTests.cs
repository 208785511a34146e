using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// Reads the gateway's own OpenAPI document and, for every operation that takes input, sends
/// generated malformed and oversized requests: bad JSON, wrong types, members the API does not know,
/// lists and strings past their limits, bodies past the body limit, the wrong content type, bad path
/// ids and query values. Each must get a 4xx problem document with a status the document declares
/// for that operation, within a bounded time, and leave the organization exactly as it was.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OpenApiConformanceTests(AlignSystem system)
{
    private const int SamplesPerOperation = 12;
    private static readonly TimeSpan MaxAnswerTime = TimeSpan.FromSeconds(5);

    /// <summary>An operation of the document with what the generators need to know about it.</summary>
    private sealed record Operation(string Method, string Path, JsonObject Spec, JsonObject? BodySchema, IReadOnlySet<int> Declared)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    /// <summary>One generated request.</summary>
    private sealed record BadRequest(string What, string Path, string? Body, string ContentType)
    {
        public override string ToString() => $"{What}: {Path} {(Body is null ? "" : Body.Length > 300 ? Body[..300] + $"… ({Body.Length} chars)" : Body)}";
    }

    [Fact]
    public async Task Every_operation_refuses_generated_bad_requests_with_a_declared_problem_and_changes_nothing()
    {
        var tenant = await system.CreateTenantAsync("oa");
        var (_, goal) = await tenant.SeedLaunchAsync();
        await tenant.PostEventsAsync(("seed", 7));
        await Eventually.EqualAsync(7, () => tenant.ProgressAsync(goal));
        await tenant.PostOkAsync("/api/v1/reviews", new { id = "q1", name = "Q1" });

        var document = JsonNode.Parse(await system.Http.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var operations = Operations(document).ToList();
        Assert.True(operations.Count >= 20, $"Only {operations.Count} operations in the document.");
        var tested = 0;
        var log = new List<string>();
        foreach (var operation in operations)
        {
            var generator = BadRequests(operation, document, goal);
            if (generator is null) continue;
            tested++;
            log.Add(operation.ToString());
            var before = await SnapshotAsync(tenant);
            await generator.SampleAsync(async bad => await AssertRefusedAsync(tenant, operation, bad), iter: SamplesPerOperation, threads: 1,
                print: bad => bad.ToString());
            Assert.Equal(before, await SnapshotAsync(tenant));
        }
        await File.WriteAllLinesAsync(Path.Combine(system.LogDirectory, "openapi-conformance-operations.txt"), log);
        Assert.True(tested >= 15, $"Only {tested} operations take input.");
    }

    [Fact]
    public async Task Every_operation_declares_its_problems_and_every_body_names_its_schema()
    {
        var text = await system.Http.GetStringAsync("/openapi/v1.json");
        await File.WriteAllTextAsync(Path.Combine(system.LogDirectory, "openapi-v1.json"), text); // for a reader, or a conformance checker
        var document = JsonNode.Parse(text)!.AsObject();

        foreach (var operation in Operations(document))
        {
            Assert.True(operation.Declared.Contains(503), $"{operation} does not declare 503.");
            Assert.True(operation.Declared.Contains(429), $"{operation} does not declare 429.");
            Assert.True(operation.Declared.Contains(401) && operation.Declared.Contains(403), $"{operation} does not declare 401 and 403.");
            if (operation.BodySchema is not null)
            {
                Assert.True(operation.Declared.IsSupersetOf([400, 413, 415]), $"{operation} reads a body but does not declare 400, 413 and 415.");
                Assert.True(operation.Spec["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"] is not null, $"{operation}'s body schema is anonymous.");
            }
            foreach (var (status, response) in operation.Spec["responses"]!.AsObject())
            {
                var content = response!["content"]?.AsObject();
                if (int.Parse(status) >= 400)
                    Assert.True(content?.ContainsKey("application/problem+json") == true, $"{operation} {status} is not a problem document.");
                else if (content is not null)
                    foreach (var (_, media) in content)
                        Assert.True(IsNamed(media!["schema"]), $"{operation} {status} answers an anonymous schema: {media!["schema"]!.ToJsonString()}");
            }
        }
    }

    /// <summary>A named schema, or a list of one (a list of strings is named enough).</summary>
    private static bool IsNamed(JsonNode? schema) =>
        schema?["$ref"] is not null || (schema?["type"]?.ToString() is "array" && IsNamed(schema["items"])) || schema?["type"]?.ToString() is "string";

    private static IEnumerable<Operation> Operations(JsonObject document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (!path.StartsWith("/api/v1/", StringComparison.Ordinal)) continue;
            foreach (var (method, spec) in item!.AsObject())
            {
                if (method is "parameters" or "summary" or "description") continue;
                var declared = spec!["responses"]!.AsObject().Select(r => int.Parse(r.Key)).ToHashSet();
                var body = spec["requestBody"]?["content"]?["application/json"]?["schema"] is { } s ? Resolve(document, s) : null;
                yield return new Operation(method.ToUpperInvariant(), path, spec.AsObject(), body, declared);
            }
        }
    }

    private static JsonObject Resolve(JsonObject document, JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? document["components"]!["schemas"]![reference.Split('/')[^1]]!.AsObject()
            : schema.AsObject();

    /// <summary>Null when the operation reads nothing a caller could get wrong (plain list endpoints).</summary>
    private static Gen<BadRequest>? BadRequests(Operation operation, JsonObject document, string goal)
    {
        var parameters = (operation.Spec["parameters"]?.AsArray() ?? []).Select(p => p!.AsObject()).ToList();
        var pathParameters = parameters.Where(p => p["in"]!.ToString() == "path").Select(p => p["name"]!.ToString()).ToList();
        var queryParameters = parameters.Where(p => p["in"]!.ToString() == "query").ToList();
        var realPath = RealPath(operation.Path, goal);
        var gens = new List<Gen<BadRequest>>();

        if (operation.BodySchema is { } schema)
        {
            var valid = Instance(schema, document, depth: 0)!.AsObject();
            var maxBytes = operation.Path.EndsWith("/events", StringComparison.Ordinal) ? 1024 * 1024 : 256 * 1024;
            gens.Add(BadJson.Select(json => new BadRequest("bad JSON", realPath, json, "application/json")));
            gens.Add(Gen.Int[0, 1_000_000].Select(seed => new BadRequest("unknown member", realPath, WithUnknownMember(valid, seed), "application/json")));
            gens.Add(Gen.Int[0, 1_000_000].Select(seed => Mutate(valid, schema, document, seed, realPath)));
            gens.Add(Gen.Int[1, 64 * 1024].Select(extra => new BadRequest("body past the limit", realPath,
                $"{{\"padding\":\"{new string('x', maxBytes + extra)}\"}}", "application/json")));
            gens.Add(Gen.Const(new BadRequest("not JSON", realPath, valid.ToJsonString(), "text/plain")));
        }
        if (pathParameters.Count > 0)
        {
            var body = operation.BodySchema is { } s ? Instance(s, document, 0)!.ToJsonString() : null;
            gens.Add(BadId.Select(id => new BadRequest("bad path id", BadPath(operation.Path, goal, id), body, "application/json")));
        }
        if (queryParameters.Count > 0)
            gens.Add(Gen.Int[0, 1_000_000].Select(seed => BadQuery(realPath, queryParameters, seed)));
        return gens.Count == 0 ? null : Gen.OneOf([.. gens]);
    }

    private static string RealPath(string template, string goal) => template
        .Replace("{goalId}", goal).Replace("{boardId}", "overview").Replace("{reviewId}", "q1").Replace("{keyId}", "zzzzzzzzzzzz");

    /// <summary>The template with one path parameter replaced by a bad id and the others real.</summary>
    private static string BadPath(string template, string goal, string badId)
    {
        var start = template.IndexOf('{');
        var end = template.IndexOf('}', start);
        return RealPath(template[..start] + Uri.EscapeDataString(badId) + template[(end + 1)..], goal);
    }

    /// <summary>Ids no operation accepts: upper case, too long, spaces, punctuation, non-ASCII.</summary>
    private static readonly Gen<string> BadId = Gen.OneOf(
        Gen.Int[1, 60].Select(n => "Goal" + new string('x', n)),
        Gen.Int[65, 400].Select(n => new string('a', n)),
        Gen.Const("no such goal"),
        Gen.Const("ünïcödé"),
        Gen.Const("a;drop"),
        Gen.Const("-leading-dash"),
        Gen.Const("a/b"));

    private static readonly Gen<string> BadJson = Gen.OneOf(
        Gen.Const(""),
        Gen.Const("{"),
        Gen.Const("[]"),
        Gen.Const("\"just a string\""),
        Gen.Const("null"),
        Gen.Const("{\"id\":}"),
        Gen.Const("{'single':'quotes'}"),
        Gen.Const("{\"a\":1,}"),
        Gen.Int[1, 200].Select(n => new string('{', n)),
        Gen.Int[0, 1_000_000].Select(seed => Garbage(new Random(seed))));

    private static string Garbage(Random random)
    {
        var bytes = new byte[random.Next(1, 200)];
        random.NextBytes(bytes);
        return Encoding.Latin1.GetString(bytes);
    }

    private static string WithUnknownMember(JsonObject valid, int seed)
    {
        var body = valid.DeepClone().AsObject();
        var target = body;
        // Sometimes one level down, in a nested object or the first item of a list of objects.
        foreach (var (_, value) in body)
        {
            if (seed % 2 == 0 && value is JsonObject nested) { target = nested; break; }
            if (seed % 2 == 0 && value is JsonArray { Count: > 0 } list && list[0] is JsonObject first) { target = first; break; }
        }
        var name = seed % 3 == 0 ? "campain" : $"unknown{seed}";
        target[name] = seed % 5 == 0 ? JsonValue.Create("launch") : JsonValue.Create(seed);
        return body.ToJsonString();
    }

    /// <summary>One property made wrong: a wrong type, past its maxItems or maxLength, or off its pattern.</summary>
    private static BadRequest Mutate(JsonObject valid, JsonObject schema, JsonObject document, int seed, string path)
    {
        var random = new Random(seed);
        var body = valid.DeepClone().AsObject();
        var properties = schema["properties"]!.AsObject().ToList();
        var (name, propertySchema) = properties[random.Next(properties.Count)];
        var property = Resolve(document, Unwrap(propertySchema!));
        var type = TypeOf(property);
        var choices = new List<(string What, Func<JsonNode> Value)>
        {
            ("wrong type", () => type is "string" or "integer" or "number" or "boolean" ? new JsonArray(1, 2) : JsonValue.Create("not the right type")),
        };
        if (property["maxItems"] is { } maxItems)
        {
            var count = maxItems.GetValue<int>() + 1 + random.Next(maxItems.GetValue<int>() * 5);
            var item = Instance(Resolve(document, Unwrap(property["items"]!)), document, 1);
            choices.Add(("too many items", () => new JsonArray([.. Enumerable.Range(0, count).Select(i => item is JsonValue v && v.TryGetValue<string>(out var s) ? JsonValue.Create($"{s}{i}") : item?.DeepClone())])));
        }
        if (property["maxLength"] is { } maxLength)
            choices.Add(("too long", () => JsonValue.Create(new string('a', maxLength.GetValue<int>() + 1 + random.Next(100_000)))));
        if (property["pattern"] is not null)
            choices.Add(("off pattern", () => JsonValue.Create("Not A Valid Value!")));
        var (what, value) = choices[random.Next(choices.Count)];
        body[name] = value();
        return new BadRequest($"{what} in '{name}'", path, body.ToJsonString(), "application/json");
    }

    private static BadRequest BadQuery(string path, List<JsonObject> parameters, int seed)
    {
        var random = new Random(seed);
        var parameter = parameters[random.Next(parameters.Count)];
        var name = parameter["name"]!.ToString();
        var schema = Unwrap(parameter["schema"]!);
        var values = new List<string> { "not-valid!" };
        if (schema["maximum"] is { } max) values.Add((double.Parse(max.ToString()) + 1 + random.Next(1000)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (schema["minimum"] is { } min) values.Add((double.Parse(min.ToString()) - 1 - random.Next(1000)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (schema["enum"] is not null) values.Add("notOneOfThem");
        if (schema["pattern"] is not null) values.AddRange(["UPPER CASE", new string('a', 65 + random.Next(500))]);
        if (TypeOf(schema) is "integer" or "number") values.AddRange(["1.5e999", new string('9', 40)]);
        if (schema["format"]?.ToString() == "date-time") values.AddRange(["2026-13-45T99:00:00Z", "3000-01-01T00:00:00Z", new string('9', 40)]);
        // A required value is also tested by leaving it out.
        if (parameter["required"]?.GetValue<bool>() == true) values.Add("");
        var bad = values[random.Next(values.Count)];
        var query = bad == "" ? "" : $"?{name}={Uri.EscapeDataString(bad)}";
        return new BadRequest($"bad query '{name}'", path + query, null, "application/json");
    }

    /// <summary>A value shaped like the schema (the generators then break one thing in it).</summary>
    private static JsonNode? Instance(JsonObject schema, JsonObject document, int depth)
    {
        schema = Resolve(document, Unwrap(schema));
        if (schema["enum"] is JsonArray { Count: > 0 } values) return values.First(v => v is not null)!.DeepClone();
        switch (TypeOf(schema))
        {
            case "object":
                var result = new JsonObject();
                if (depth > 3) return result;
                foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
                    result[name] = Instance(property!.AsObject(), document, depth + 1);
                return result;
            case "array":
                return depth > 3 ? new JsonArray() : new JsonArray(Instance(schema["items"]!.AsObject(), document, depth + 1));
            case "integer":
                return JsonValue.Create(1);
            case "number":
                return JsonValue.Create(1.0);
            case "boolean":
                return JsonValue.Create(false);
            default:
                return schema["format"]?.ToString() == "date-time" ? JsonValue.Create(DateTimeOffset.UtcNow.AddMinutes(-1)) : JsonValue.Create("a");
        }
    }

    /// <summary>Nullable members are <c>oneOf</c>/<c>anyOf</c> with null, or a type list with "null": the non-null part.</summary>
    private static JsonObject Unwrap(JsonNode schema)
    {
        foreach (var key in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema[key] is JsonArray options && options.FirstOrDefault(o => TypeOf(o!.AsObject()) != "null") is JsonObject first) return first;
        }
        return schema.AsObject();
    }

    private static string? TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonArray types => types.Select(t => t!.ToString()).FirstOrDefault(t => t != "null"),
        { } type => type.ToString(),
        null when schema["properties"] is not null => "object",
        null when schema["$ref"] is not null => "object",
        _ => null,
    };

    private async Task AssertRefusedAsync(Tenant tenant, Operation operation, BadRequest bad)
    {
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), bad.Path);
        if (bad.Body is not null) request.Content = new StringContent(bad.Body, new MediaTypeHeaderValue(bad.ContentType) { CharSet = "utf-8" });
        // As a careful client sends a large body: the server can refuse it (413) before it is sent,
        // rather than close the connection under a client that is still writing.
        if (bad.Body is { Length: > 64 * 1024 }) request.Headers.ExpectContinue = true;
        var key = operation.Path == "/api/v1/orgs" ? AlignSystem.PlatformAdminKey : tenant.ApiKey;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var clock = Stopwatch.StartNew();
        using var response = await system.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        clock.Stop();

        var status = (int)response.StatusCode;
        var context = $"{operation} [{bad}] → {status} {text[..Math.Min(text.Length, 500)]}";
        Assert.True(clock.Elapsed < MaxAnswerTime, $"{context} took {clock.Elapsed}.");
        Assert.True(status is >= 400 and < 500, context);
        Assert.True(operation.Declared.Contains(status), $"{context}: the document declares only {string.Join(", ", operation.Declared.Order())}.");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.True(text.Length < 16 * 1024, $"{context}: the refusal is {text.Length} characters.");
    }

    /// <summary>Everything a refused request could have changed, in a stable order.</summary>
    private static async Task<string> SnapshotAsync(Tenant tenant)
    {
        var parts = new List<string>();
        foreach (var path in new[]
        {
            "/api/v1/departments", "/api/v1/campaigns", "/api/v1/goals", "/api/v1/metrics", "/api/v1/keys", "/api/v1/reviews", "/api/v1/people",
            "/api/v1/settings", "/api/v1/feed?kind=announcement", "/api/v1/feed?kind=checkIn",
        })
        {
            var node = await tenant.GetOkAsync(path);
            parts.Add(node is JsonArray list
                ? string.Join("|", list.Select(n => n!.ToJsonString()).Order(StringComparer.Ordinal))
                : node.ToJsonString());
        }
        return string.Join("\n", parts);
    }
}
