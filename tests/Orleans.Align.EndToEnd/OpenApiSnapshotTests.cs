using System.Text.Json.Nodes;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// The web client's API types are generated from web-client/openapi.json; this keeps that file the
/// document the gateway really serves, so a changed endpoint fails here until the client is regenerated.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OpenApiSnapshotTests(AlignSystem system)
{
    [Fact]
    public async Task The_web_clients_copy_of_the_OpenAPI_document_is_the_one_the_gateway_serves()
    {
        var served = JsonNode.Parse(await system.Http.GetStringAsync("/openapi/v1.json"))!.AsObject();
        served.Remove("servers"); // the address of this run's gateway
        var path = Path.Combine(AppBrowser.RepositoryRoot, "web-client", "openapi.json");
        var kept = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        if (JsonNode.DeepEquals(served, kept)) return;

        var actual = Path.Combine(AppContext.BaseDirectory, "openapi.served.json");
        await File.WriteAllTextAsync(actual, served.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        Assert.Fail($"The gateway's OpenAPI document differs from {path}, which the web client's types are generated from. " +
                    $"Copy {actual} over it (cp '{actual}' '{path}') and rebuild the web client (npm run build in web-client).");
    }
}
