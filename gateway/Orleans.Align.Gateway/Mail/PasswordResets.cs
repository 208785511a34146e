using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Orleans.Align.Gateway.Api;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Mail;

/// <summary>
/// Password resets, off the request path: the endpoint queues the request and answers 202 at once, the
/// same for every address; here the account grain issues a one-time token (only if the account exists,
/// belongs to the organization named, and had no reset in the last minute) and the link is mailed. So
/// neither the answer nor its timing tells whether an account exists, and a slow or failing mail server
/// never holds a request. A queue that is full (a flood) drops the request and logs it.
/// </summary>
public sealed class PasswordResets(
    IClusterClient cluster, MailSender mail, IOptions<BrowserSessionOptions> sessions, TimeProvider clock, ILogger<PasswordResets> logger) : BackgroundService
{
    private readonly Channel<(string Email, string? OrgId)> _queue =
        Channel.CreateBounded<(string, string?)>(new BoundedChannelOptions(1_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>Queues a reset for a normalized email; never waits.</summary>
    public void Request(string email, string? orgId)
    {
        if (!_queue.Writer.TryWrite((email, orgId))) logger.LogWarning("Password reset queue full: the request for {Email} was dropped", email);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (email, orgId) in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try { await ResetAsync(email, orgId, stoppingToken); }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Password reset for {Email} failed", email);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private async Task ResetAsync(string email, string? orgId, CancellationToken cancellationToken)
    {
        if (!mail.Enabled)
        {
            logger.LogWarning("Password reset asked for {Email}, but mail is off (Align:Mail:Host): nothing was sent", email);
            return;
        }
        var token = SessionEndpoints.NewToken();
        var lifetime = sessions.Value.PasswordResetTokenLifetime;
        var reset = await cluster.GetGrain<IAccountGrain>(email).IssuePasswordResetAsync(orgId, SessionEndpoints.TokenHash(token), clock.GetUtcNow() + lifetime);
        if (reset is null)
        {
            logger.LogInformation("Password reset asked for {Email}: no account{Org}, or one was mailed less than the reset interval ago; nothing sent",
                email, orgId is null ? "" : $" in {orgId}");
            return;
        }
        var link = mail.Link(MailLinks.Query("reset", token, reset.Email, reset.OrgId));
        await mail.TrySendAsync(new MailMessage(reset.Email, reset.DisplayName, "Reset your Orleans.Align password",
            $"""
            Hello {reset.DisplayName},

            Someone (we hope you) asked to reset the password of your Orleans.Align account {reset.Email}.
            Open this link to choose a new one; it works once, for {MailLinks.Describe(lifetime)}:

            {link}

            If you did not ask for this, ignore this mail: your password stays as it is.
            """), cancellationToken);
    }
}

/// <summary>The links in mails: the web client's page with the token, the email and the organization in the query.</summary>
public static class MailLinks
{
    /// <summary><c>invite=</c>/<c>reset=</c> the token, <c>email=</c>, and <c>org=</c> when known.</summary>
    public static string Query(string kind, string token, string email, string? orgId) =>
        $"{kind}={Uri.EscapeDataString(token)}&email={Uri.EscapeDataString(email)}" + (orgId is null ? "" : $"&org={Uri.EscapeDataString(orgId)}");

    public static string Describe(TimeSpan lifetime) =>
        lifetime.TotalDays >= 1 && lifetime.TotalDays % 1 == 0 ? $"{lifetime.TotalDays:0} day{(lifetime.TotalDays == 1 ? "" : "s")}"
        : lifetime.TotalHours >= 1 && lifetime.TotalHours % 1 == 0 ? $"{lifetime.TotalHours:0} hour{(lifetime.TotalHours == 1 ? "" : "s")}"
        : $"{Math.Ceiling(lifetime.TotalMinutes):0} minutes";
}
