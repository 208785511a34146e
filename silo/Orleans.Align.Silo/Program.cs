using Orleans.Dashboard;
using Orleans.Align.Silo;

// Content root is the app folder, so appsettings.json and wwwroot are found wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddAlignSilo();

var app = builder.Build();
app.MapHealthChecks("/health");
app.MapOrleansDashboard("/dashboard");
app.MapGet("/", () => Results.Redirect("/dashboard"));
app.Run();
