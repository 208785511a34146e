using Microsoft.AspNetCore.SignalR;
using Orleans.Align.BareHub;

// The ceiling the live benchmark compares the product with: ASP.NET Core SignalR with nothing behind it.
// It broadcasts messages of a given size at a given rate to every connected viewer, stamped with the
// time they leave, so the benchmark's viewers measure freshness exactly as they do against the gateway.
//   dotnet Orleans.Align.BareHub.dll --urls http://127.0.0.1:5070 --BareHub:MessageBytes 800 --BareHub:PushesPerSecond 10
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddOptions<BroadcastOptions>().Bind(builder.Configuration.GetSection("BareHub"))
    .Validate(o => o.PushesPerSecond is > 0 and <= 10_000 && o.MessageBytes is >= 0 and <= 10_000_000, "BareHub:PushesPerSecond must be above 0 and at most 10,000 and BareHub:MessageBytes 0 to 10,000,000.")
    .ValidateOnStart();
builder.Services.AddSignalR().AddMessagePackProtocol();
builder.Services.AddHostedService<Broadcaster>();
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var app = builder.Build();
app.MapGet("/health", () => "ok");
app.MapHub<BroadcastHub>(BroadcastHub.Path);
app.Run();

namespace Orleans.Align.BareHub
{
    public sealed class BroadcastOptions
    {
        /// <summary>Messages a second to every viewer (the product pushes at most 10 a second per board).</summary>
        public double PushesPerSecond { get; set; } = 10;

        /// <summary>About the size of each message on the wire; the benchmark passes the product's mean push size.</summary>
        public int MessageBytes { get; set; } = 800;
    }

    /// <summary>The same path and method names as the product's hub, so the benchmark's viewers need no other code.</summary>
    public sealed class BroadcastHub : Hub
    {
        public const string Path = "/hubs/live";

        public object WatchBoard(string boardId) => new { boardId, version = 0, goals = Array.Empty<object>() };
    }

    /// <summary>One broadcast per tick to all connections: SignalR serializes it once per protocol, as the product should.</summary>
    public sealed class Broadcaster(IHubContext<BroadcastHub> hub, Microsoft.Extensions.Options.IOptions<BroadcastOptions> options) : BackgroundService
    {
        // The envelope around the padding: {"type":1,"target":"boardUpdate","arguments":[{"sentAt":…,"pad":""}]} and its separator.
        private const int EnvelopeBytes = 85;

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var pad = new string('x', Math.Max(0, options.Value.MessageBytes - EnvelopeBytes));
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / options.Value.PushesPerSecond));
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var sentAt = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10; // microseconds
                await hub.Clients.All.SendAsync("boardUpdate", new { sentAt, pad }, stoppingToken);
            }
        }
    }
}
