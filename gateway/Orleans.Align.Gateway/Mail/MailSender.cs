using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Orleans.Align.Gateway.Mail;

/// <summary>One plain-text mail to one person.</summary>
public sealed record MailMessage(string ToEmail, string ToName, string Subject, string Body);

/// <summary>Sends mail over SMTP with MailKit: one connection per mail (they are rare: invitations and resets).</summary>
public sealed class MailSender(IOptions<MailOptions> options, IServer server, ILogger<MailSender> logger)
{
    public bool Enabled => options.Value.Enabled;

    /// <summary>Sends the mail; false (and logged) when mail is off or the send failed or timed out. Never throws.</summary>
    public async Task<bool> TrySendAsync(MailMessage mail, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        if (!o.Enabled) return false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.SendTimeout);
        try
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(o.From));
            message.To.Add(new MailboxAddress(mail.ToName, mail.ToEmail));
            message.Subject = mail.Subject;
            message.Body = new TextPart("plain") { Text = mail.Body };

            using var smtp = new SmtpClient();
            await smtp.ConnectAsync(o.Host, o.Port, TlsOf(o.Tls), timeout.Token);
            if (o.UserName.Length > 0) await smtp.AuthenticateAsync(o.UserName, o.Password, timeout.Token);
            await smtp.SendAsync(message, timeout.Token);
            await smtp.DisconnectAsync(true, timeout.Token);
            logger.LogInformation("Mailed '{Subject}' to {Email}", mail.Subject, mail.ToEmail);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not mail '{Subject}' to {Email} through {Host}:{Port}", mail.Subject, mail.ToEmail, o.Host, o.Port);
            return false;
        }
    }

    /// <summary>
    /// A link into the web client: <c>Align:Mail:PublicUrl</c>, or the gateway's first listening address.
    /// Never the request's Host header: a stranger asking for someone's reset would choose where the token goes.
    /// </summary>
    public string Link(string query)
    {
        var root = options.Value.PublicUrl;
        if (root.Length == 0)
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
            root = addresses?.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                ?? addresses?.FirstOrDefault() ?? "http://127.0.0.1:5080";
            root = root.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal);
        }
        return root.TrimEnd('/') + "/?" + query;
    }

    private static SecureSocketOptions TlsOf(string tls) => tls.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "sslonconnect" => SecureSocketOptions.SslOnConnect,
        "auto" => SecureSocketOptions.StartTlsWhenAvailable,
        _ => SecureSocketOptions.StartTls,
    };
}
