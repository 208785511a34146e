using Orleans.Concurrency;

namespace Orleans.Align.Grains;

/// <summary>
/// One inbound webhook source of an organization: its definition, its secret (which never leaves the
/// grain: signatures are checked here), its counters and its recent failures. Key: <c>{org}/{source}</c>.
/// </summary>
[Alias("align.ISourceGrain")]
public interface ISourceGrain : IGrainWithStringKey
{
    /// <summary>Defines the source (once: a defined source is a conflict).</summary>
    [Alias("Define")]
    Task<SourceView> DefineAsync(SourceDefinition definition, string secret);

    /// <summary>A new name and mapping; the scheme and the secret stay. Null when the source is not defined.</summary>
    [Alias("Change")]
    Task<SourceView?> ChangeAsync(string name, SourceMapping mapping);

    /// <summary>Replaces the secret: the old one stops working at once. False when the source is not defined.</summary>
    [Alias("RotateSecret")]
    Task<bool> RotateSecretAsync(string secret);

    [Alias("Get"), AlwaysInterleave]
    Task<SourceView?> GetAsync();

    /// <summary>The most recent failures, newest first. Null when the source is not defined.</summary>
    [Alias("GetFailures"), AlwaysInterleave]
    Task<IReadOnlyList<SourceFailure>?> GetFailuresAsync();

    /// <summary>Forgets the source. False when it was not defined.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();

    /// <summary>Checks the signature, maps the payload and appends its events to the organization's log.</summary>
    [Alias("Receive")]
    Task<WebhookOutcome> ReceiveAsync(WebhookDelivery delivery);
}

/// <summary>
/// Which organization a source id belongs to: the webhook URL names only the source (ids are random
/// and globally unique), so the gateway asks here. Key: the source id.
/// </summary>
[Alias("align.ISourceDirectoryGrain")]
public interface ISourceDirectoryGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task RegisterAsync(string orgId);

    [Alias("Unregister")]
    Task UnregisterAsync(string orgId);

    /// <summary>The owning organization, or null.</summary>
    [Alias("Find"), AlwaysInterleave]
    Task<string?> FindAsync();
}

/// <summary>The ids of an organization's sources (bounded). Key: the organization id.</summary>
[Alias("align.ISourceListGrain")]
public interface ISourceListGrain : IGrainWithStringKey
{
    /// <summary>False when the organization already has the maximum number of sources.</summary>
    [Alias("Add")]
    Task<bool> AddAsync(string sourceId);

    [Alias("Remove")]
    Task RemoveAsync(string sourceId);

    [Alias("List"), AlwaysInterleave]
    Task<IReadOnlyList<string>> ListAsync();
}
