using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using idunno.Authentication.Basic;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Orleans.Align.Hosting;
using Orleans.Dashboard;

namespace Orleans.Align.Silo;

/// <summary>
/// Who may see the silo's insides: the Orleans dashboard and the reasons behind /health/ready are for
/// the platform operator, who proves it with the platform admin key (<c>Align:PlatformAdminKey</c>, the
/// gateway's) as the password of HTTP Basic authentication, the one a browser prompts for. The
/// dashboard is protected (default), bound to loopback callers, or off: <see cref="SiloOptions.Dashboard"/>.
/// </summary>
public static class OperatorAccess
{
    public const string Policy = "platform-operator";
    public const string DashboardPath = "/dashboard";

    public static void AddOperatorAccess(this WebApplicationBuilder builder)
    {
        var key = builder.Configuration[PlatformAdminKeySetting] ?? "";
        builder.Services.AddAuthentication(BasicAuthenticationDefaults.AuthenticationScheme).AddBasic(o =>
        {
            o.Realm = "Orleans.Align silo";
            // The silo's HTTP port is cluster-internal and plain HTTP (TLS ends in front of it, if anywhere).
            o.AllowInsecureProtocol = true;
            o.Events = new BasicAuthenticationEvents
            {
                OnValidateCredentials = context =>
                {
                    // Any user name; the password is the key. An unset key admits nobody.
                    if (key.Length > 0 && FixedTimeEquals(context.Password, key))
                    {
                        context.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "platform-operator")], context.Scheme.Name));
                        context.Success();
                    }
                    else context.Fail("Not the platform admin key.");
                    return Task.CompletedTask;
                },
            };
        });
        builder.Services.AddAuthorization(o => o.AddPolicy(Policy, p => p.RequireAuthenticatedUser()));
    }

    public const string PlatformAdminKeySetting = "Align:PlatformAdminKey";

    private static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    public static bool IsOperator(HttpContext http) => http.User.Identity?.IsAuthenticated == true;

    /// <summary>The dashboard as <see cref="SiloOptions.Dashboard"/> says, and health; says at start which the dashboard is.</summary>
    public static WebApplication MapOperatorEndpoints(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<SiloSettings>().Silo;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.Align.Silo.Dashboard");
        var keySet = !string.IsNullOrEmpty(app.Configuration[PlatformAdminKeySetting]);

        // Liveness: the process is up and has joined (Kestrel listens only after the silo started).
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = _ => false });
        // Readiness: every check tagged "ready"; the reasons only to the operator.
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = (http, report) => HealthResponses.WriteAsync(http, report, detailed: IsOperator(http)),
        });

        switch (options.Dashboard)
        {
            case DashboardModes.Off:
                logger.LogInformation("The Orleans dashboard is off (Align:Silo:Dashboard=off)");
                return app;
            case DashboardModes.Loopback:
                app.MapOrleansDashboard(DashboardPath).AddEndpointFilter(async (context, next) =>
                    IsLoopback(context.HttpContext.Connection.RemoteIpAddress)
                        ? await next(context)
                        : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed",
                            detail: "The dashboard answers callers on this machine only (Align:Silo:Dashboard=loopback)."));
                logger.LogInformation("The Orleans dashboard at {Path} answers loopback callers only (Align:Silo:Dashboard=loopback)", DashboardPath);
                break;
            default:
                app.MapOrleansDashboard(DashboardPath).RequireAuthorization(Policy);
                if (keySet)
                    logger.LogInformation("The Orleans dashboard at {Path} requires the platform admin key (HTTP Basic, any user name; Align:Silo:Dashboard=protected)", DashboardPath);
                else
                    logger.LogWarning("The Orleans dashboard at {Path} is protected but Align:PlatformAdminKey is not set on this silo: it refuses every request", DashboardPath);
                break;
        }
        app.MapGet("/", () => Results.Redirect(DashboardPath)).ExcludeFromDescription();
        return app;
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);
}

public static class DashboardModes
{
    public const string Protected = "protected", Loopback = "loopback", Off = "off";

    public static readonly string[] All = [Protected, Loopback, Off];
}
