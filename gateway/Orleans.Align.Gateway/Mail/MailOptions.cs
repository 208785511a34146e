namespace Orleans.Align.Gateway.Mail;

/// <summary>How the gateway sends mail (invitations, password resets); configuration section <c>Align:Mail</c>.</summary>
public sealed class MailOptions
{
    public const string Section = "Align:Mail";

    /// <summary>The SMTP server; empty turns mail off (admins are shown the invitation link to pass on, resets send nothing).</summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    /// <summary>The sender, e.g. <c>Orleans.Align &lt;align@example.com&gt;</c>.</summary>
    public string From { get; set; } = "Orleans.Align <no-reply@localhost>";

    /// <summary>
    /// <c>startTls</c> (the default: the connection must be upgraded to TLS before anything is sent),
    /// <c>sslOnConnect</c> (TLS from the first byte, usually port 465), <c>auto</c> (STARTTLS when the
    /// server offers it) or <c>none</c> (plain text: a catcher on loopback only).
    /// </summary>
    public string Tls { get; set; } = "startTls";

    /// <summary>SMTP authentication, when the server wants it.</summary>
    public string UserName { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>
    /// The address people open the web client at, the base of every link in a mail
    /// (e.g. <c>https://align.example.com</c>). Empty: the gateway's first listening address, which is
    /// only right on one machine; never taken from the request's Host header, which a stranger controls.
    /// </summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>How long an invitation's send may take before the admin is answered with <c>mailSent: false</c>.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public static readonly string[] TlsModes = ["startTls", "sslOnConnect", "auto", "none"];

    public IEnumerable<string> Validate()
    {
        if (!Enabled) yield break;
        if (Port is < 1 or > 65535) yield return $"{Section}:Port must be between 1 and 65535.";
        if (!MimeKit.MailboxAddress.TryParse(From, out _)) yield return $"{Section}:From must be a mail address, e.g. 'Orleans.Align <align@example.com>'.";
        if (!TlsModes.Contains(Tls, StringComparer.OrdinalIgnoreCase)) yield return $"{Section}:Tls must be one of {string.Join(", ", TlsModes)}.";
        if (PublicUrl.Length > 0 && !(Uri.TryCreate(PublicUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            yield return $"{Section}:PublicUrl must be an absolute http(s) URL.";
        if (SendTimeout < TimeSpan.FromMilliseconds(100) || SendTimeout > TimeSpan.FromMinutes(5)) yield return $"{Section}:SendTimeout must be between 100 ms and 5 minutes.";
    }
}
