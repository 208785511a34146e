using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Align.Gateway.Api;

namespace Orleans.Align.Tests.Gateway;

/// <summary>
/// A body the serializer refuses is described in the caller's terms: the field or path, never one of our .NET types
/// (the serializer's own message names them), with the exceptions System.Text.Json really throws.
/// </summary>
public sealed class JsonProblemTextTests
{
    private sealed record Inner(string Id, double Value);
    private sealed record Outer(IReadOnlyList<Inner> Events);

    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    private static string Refusal(string json) =>
        ProblemExceptionHandler.Describe(Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Outer>(json, Strict)));

    [Fact]
    public void A_misspelt_field_is_named_with_its_path_and_no_type()
    {
        var text = Refusal("""{"events":[{"id":"a","value":1,"campagin":"launch"}]}""");
        Assert.Contains("'campagin'", text);
        Assert.Contains("'$.events[0].campagin'", text);
        Assert.Contains("refused, not ignored", text);
        Assert.DoesNotContain("Orleans.", text);
        Assert.DoesNotContain(".NET", text);
        Assert.DoesNotContain(nameof(Inner), text);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_named_by_its_path_and_no_type()
    {
        var text = Refusal("""{"events":[{"id":"a","value":"ten"}]}""");
        Assert.Contains("'$.events[0].value'", text);
        Assert.Contains("wrong type", text);
        Assert.DoesNotContain("System.", text);
    }

    [Fact]
    public void Broken_json_keeps_the_readers_position()
    {
        var text = Refusal("""{"events":[{"id":"a",""");
        Assert.StartsWith("The request body is not valid JSON for this endpoint", text);
        Assert.DoesNotContain("System.", text);
    }
}
