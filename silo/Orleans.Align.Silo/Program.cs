using Orleans.Align.Silo;

// Content root is the app folder, so appsettings.json and wwwroot are found wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddAlignSilo();

var app = builder.Build();
// /health, /health/ready and the Orleans dashboard, with what each shows to whom (OperatorAccess).
app.MapOperatorEndpoints();
app.Run();
