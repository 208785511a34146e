using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Orleans.Dashboard;
using Orleans.Align.Silo;

// Content root is the app folder, so appsettings.json and wwwroot are found wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddAlignSilo();

var app = builder.Build();
// Liveness: the process is up and has joined (Kestrel listens only after the silo started).
app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = _ => false });
// Readiness: also every check tagged "ready" (an event log that lost acknowledged writes), with the reason in the body.
app.MapHealthChecks("/health/ready", new HealthCheckOptions
{
    Predicate = c => c.Tags.Contains("ready"),
    ResponseWriter = (http, report) =>
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        var lines = report.Entries.Select(e => $"{e.Key}: {e.Value.Status}: {e.Value.Description}");
        return http.Response.WriteAsync($"{report.Status}\n{string.Join("\n", lines)}\n");
    },
});
app.MapOrleansDashboard("/dashboard");
app.MapGet("/", () => Results.Redirect("/dashboard"));
app.Run();
