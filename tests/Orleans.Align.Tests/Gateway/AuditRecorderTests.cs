using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Align.Gateway.Api;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Tests.Gateway;

/// <summary>The recorder at the gateway: what it writes for a request, and that a failing audit write never changes the answer.</summary>
public sealed class AuditRecorderTests
{
    /// <summary>A cluster client whose every call fails (or records the grain asked for and answers with a recording audit grain).</summary>
    public class FakeCluster : DispatchProxy
    {
        public bool Fail { get; set; }
        public List<(string Org, AuditEntry Entry)> Appended { get; } = [];

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (Fail) throw new TimeoutException("the cluster is down");
            if (method!.Name == nameof(IGrainFactory.GetGrain) && method.ReturnType == typeof(IAuditGrain))
            {
                var grain = DispatchProxy.Create<IAuditGrain, FakeAuditGrain>();
                ((FakeAuditGrain)(object)grain).Owner = (this, (string)args![0]!);
                return grain;
            }
            throw new NotSupportedException(method.Name);
        }
    }

    public class FakeAuditGrain : DispatchProxy
    {
        public (FakeCluster Cluster, string Org) Owner { get; set; }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            var entry = (AuditEntry)args![0]!;
            Owner.Cluster.Appended.Add((Owner.Org, entry));
            return Task.FromResult(entry);
        }
    }

    private static (AuditRecorder Recorder, FakeCluster Cluster) NewRecorder(bool fail)
    {
        var client = DispatchProxy.Create<IClusterClient, FakeCluster>();
        var fake = (FakeCluster)(object)client;
        fake.Fail = fail;
        return (new AuditRecorder(client, NullLogger<AuditRecorder>.Instance), fake);
    }

    private static DefaultEndpointFilterInvocationContext Request(string method, string template, params (string Name, string Value)[] route)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.User = new ClaimsPrincipal(new ClaimsIdentity(
            [new(AlignClaims.Org, "acme"), new(AlignClaims.KeyId, "abc123"), new(AlignClaims.KeyName, "ops"), new(AlignClaims.Scope, "admin")], "test"));
        var endpoint = new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse(template), 0, EndpointMetadataCollection.Empty, "test");
        http.SetEndpoint(endpoint);
        foreach (var (name, value) in route) http.Request.RouteValues[name] = value;
        return new DefaultEndpointFilterInvocationContext(http);
    }

    [Fact]
    public async Task A_role_change_is_recorded_with_what_the_endpoint_adds_the_role_before_and_after()
    {
        var (recorder, cluster) = NewRecorder(fail: false);
        var context = Request("PUT", "/api/v1/people/{email}", ("email", "pat@example.com"));
        await recorder.InvokeAsync(context, c =>
        {
            AuditRecorder.Detail(c.HttpContext, "before", "member of marketing");
            AuditRecorder.Detail(c.HttpContext, "after", "lead of marketing");
            return ValueTask.FromResult<object?>(TypedResults.Ok());
        });
        var (_, entry) = Assert.Single(cluster.Appended);
        Assert.Equal("person.changed", entry.Action);
        Assert.Equal(new AuditTarget("person", "pat@example.com"), entry.Target);
        Assert.Equal("member of marketing", entry.Detail!["before"]);
        Assert.Equal("lead of marketing", entry.Detail["after"]);
    }

    [Fact]
    public async Task A_change_is_recorded_with_its_actor_target_and_outcome()
    {
        var (recorder, cluster) = NewRecorder(fail: false);
        var answer = await recorder.InvokeAsync(Request("DELETE", "/api/v1/rules/{ruleId}", ("ruleId", "crisis")), _ => ValueTask.FromResult<object?>(TypedResults.NoContent()));
        Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.NoContent>(answer);
        var (org, entry) = Assert.Single(cluster.Appended);
        Assert.Equal("acme", org);
        Assert.Equal("rule.deleted", entry.Action);
        Assert.Equal(new AuditActor(AuditActor.Key, "abc123", "ops"), entry.Actor);
        Assert.Equal(new AuditTarget("rule", "crisis"), entry.Target);
        Assert.Equal((AuditEntry.Succeeded, 204), (entry.Outcome, entry.Status));
    }

    [Fact]
    public async Task Reads_and_unlisted_operations_are_not_recorded()
    {
        var (recorder, cluster) = NewRecorder(fail: false);
        await recorder.InvokeAsync(Request("GET", "/api/v1/rules/{ruleId}", ("ruleId", "crisis")), _ => ValueTask.FromResult<object?>(TypedResults.Ok()));
        await recorder.InvokeAsync(Request("POST", "/api/v1/events"), _ => ValueTask.FromResult<object?>(TypedResults.Ok()));
        Assert.Empty(cluster.Appended);
    }

    [Fact]
    public async Task A_failing_audit_write_never_changes_the_answer_nor_hides_the_operations_own_failure()
    {
        var (recorder, _) = NewRecorder(fail: true);
        var answer = await recorder.InvokeAsync(Request("PUT", "/api/v1/settings"), _ => ValueTask.FromResult<object?>(TypedResults.Ok("changed")));
        Assert.Equal("changed", Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.Ok<string>>(answer).Value);

        // The operation's own exception still reaches the exception handler, unchanged.
        var thrown = await Assert.ThrowsAsync<AlignException>(async () =>
            await recorder.InvokeAsync(Request("DELETE", "/api/v1/rules/{ruleId}", ("ruleId", "gone")), _ => throw new AlignException(AlignErrorKind.NotFound, "no such rule")));
        Assert.Equal("no such rule", thrown.Message);
    }
}
