using System.Net;
using System.Net.Http.Headers;

namespace Orleans.Align.EndToEnd;

/// <summary>
/// What the silo and the gateway show about themselves, and to whom: the Orleans dashboard only to the
/// platform operator (the platform admin key as the HTTP Basic password); readiness as status words to
/// anyone and with its reasons (hosts, storage, organizations) only to the operator.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OperatorAccessTests(AlignSystem system)
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(Uri uri, AuthenticationHeaderValue? credential = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = credential;
        var response = await Probe.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));

    [Theory]
    [InlineData("/dashboard/")]
    [InlineData("/dashboard/ClusterStats")]
    [InlineData("/dashboard/DashboardCounters")]
    public async Task The_silo_dashboard_refuses_a_caller_without_the_operator_key_and_asks_the_browser_for_it(string path)
    {
        var (status, _, response) = await GetAsync(new Uri(system.SiloHttp(), path));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");

        var (wrong, _, _) = await GetAsync(new Uri(system.SiloHttp(), path), Basic("operator", "not-the-platform-admin-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
    }

    [Fact]
    public async Task The_silo_dashboard_serves_the_operator_with_the_platform_admin_key()
    {
        var (page, html, response) = await GetAsync(new Uri(system.SiloHttp(), "/dashboard/"), AlignSystem.SiloOperator);
        Assert.Equal(HttpStatusCode.OK, page);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);

        var (stats, json, _) = await GetAsync(new Uri(system.SiloHttp(), "/dashboard/ClusterStats"), Basic("anyone", AlignSystem.PlatformAdminKey));
        Assert.Equal(HttpStatusCode.OK, stats);
        Assert.StartsWith("{", json.TrimStart());
    }

    [Fact]
    public async Task Silo_readiness_tells_anyone_each_checks_status_and_only_the_operator_why()
    {
        var (status, words, _) = await GetAsync(new Uri(system.SiloHttp(), "/health/ready"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["Healthy", "cluster: Healthy", "event-log: Healthy", "storage: Healthy"], Lines(words));

        var (_, reasons, _) = await GetAsync(new Uri(system.SiloHttp(), "/health/ready"), AlignSystem.SiloOperator);
        Assert.Contains("cluster: Healthy: ", reasons);
        Assert.Contains("active silo(s)", reasons);
        Assert.Contains("storage: Healthy: Blob container", reasons);
    }

    [Fact]
    public async Task Gateway_readiness_tells_anyone_each_checks_status_and_only_the_platform_operator_why()
    {
        var (status, words, _) = await GetAsync(new Uri(system.Gateway, "/health/ready"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["Healthy", "cluster: Healthy"], Lines(words));

        var (_, reasons, _) = await GetAsync(new Uri(system.Gateway, "/health/ready"), new AuthenticationHeaderValue("Bearer", AlignSystem.PlatformAdminKey));
        Assert.Matches(@"cluster: Healthy: \d+ silo\(s\)", reasons);

        var tenant = await system.CreateTenantAsync("health");
        var (_, withTenantKey, _) = await GetAsync(new Uri(system.Gateway, "/health/ready"), new AuthenticationHeaderValue("Bearer", tenant.ApiKey));
        Assert.Equal(["Healthy", "cluster: Healthy"], Lines(withTenantKey)); // an organization's key is not the operator's
    }

    private static string[] Lines(string body) => body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
