using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Align.Gateway.Api;
using Orleans.Align.Gateway.Hosting;
using Orleans.Align.Gateway.Limits;

namespace Orleans.Align.Tests.Gateway;

/// <summary>
/// Every state-changing endpoint the gateway maps is in the audit log's table, or in its short list of
/// operations deliberately not audited; and the table names no endpoint that does not exist. A new
/// endpoint without an audit verb fails here.
/// </summary>
public sealed class AuditCoverageTests
{
    [Fact]
    public void Every_state_changing_endpoint_is_audited_or_deliberately_not()
    {
        var builder = WebApplication.CreateBuilder();
        // The endpoints are only built here, never called: their services need only be known.
        builder.Services.AddSingleton<IClusterClient>(_ => throw new NotSupportedException());
        builder.Services.AddSingleton<OrganizationLimitsCache>(_ => throw new NotSupportedException());
        builder.Services.AddSingleton<Orleans.Align.Gateway.Mail.PasswordResets>(_ => throw new NotSupportedException());
        builder.Services.AddSingleton<Orleans.Align.Gateway.Mail.MailSender>(_ => throw new NotSupportedException());
        builder.Services.AddSingleton<Orleans.Align.Gateway.Sso.SsoBackchannel>(_ => throw new NotSupportedException());
        builder.Services.AddSingleton<Orleans.Align.Gateway.Sso.SsoSchemes>(_ => throw new NotSupportedException());
        builder.Services.AddSingleton<SourceOrganizations>(_ => throw new NotSupportedException());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddAntiforgery();
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.MapApi(new GatewayOptions());

        var operations = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => AuditRecorder.OperationOf(m, e.RoutePattern)!))
            .ToList();
        Assert.Contains("GET /audit", operations);
        var changing = operations.Where(o => !o.StartsWith("GET ", StringComparison.Ordinal)).ToList();
        Assert.True(changing.Count >= 20, string.Join(", ", changing));
        Assert.All(changing, o => Assert.True(AuditRecorder.Actions.ContainsKey(o) || AuditRecorder.NotAudited.Contains(o), $"{o} is neither audited nor listed as deliberately not audited."));
        Assert.All(AuditRecorder.Actions.Keys.Concat(AuditRecorder.NotAudited), o => Assert.Contains(o, changing));
        // Verbs are stable and distinct.
        Assert.Equal(AuditRecorder.Actions.Count, AuditRecorder.Actions.Values.Select(a => a.Action).Distinct().Count());
        Assert.All(AuditRecorder.Actions.Values, a => Assert.Matches(AuditEndpoints.ActionPattern, a.Action));
    }
}
