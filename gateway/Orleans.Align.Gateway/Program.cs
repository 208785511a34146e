using Orleans.Align.Gateway.Hosting;

// Content root is the app folder, so appsettings.json and wwwroot are found wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddAlignGateway();

var app = builder.Build();
app.UseAlignGateway();
app.Run();

/// <summary>Visible to the tests.</summary>
public partial class Program;
