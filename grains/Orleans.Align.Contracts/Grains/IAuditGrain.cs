namespace Orleans.Align.Grains;

/// <summary>
/// An organization's audit log (key: the organization id): the head (the last id and the page being
/// filled). Full pages are sealed into <see cref="IAuditPageGrain"/>s, so its state stays bounded
/// however long the log grows.
/// </summary>
[Alias("align.IAuditGrain")]
public interface IAuditGrain : IGrainWithStringKey
{
    /// <summary>Appends an entry (its <c>Id</c> and <c>At</c> are assigned here) and returns it as stored.</summary>
    [Alias("Append")]
    Task<AuditEntry> AppendAsync(AuditEntry draft);

    /// <summary>Newest first, filtered; examines at most <c>AuditScan.MaxScan</c> entries per call.</summary>
    [Alias("Query")]
    Task<AuditPage> QueryAsync(AuditQuery query);
}

/// <summary>
/// One sealed page of an organization's audit log (key: <c>{org}/{page number}</c>, from 0): written
/// once, never changed.
/// </summary>
[Alias("align.IAuditPageGrain")]
public interface IAuditPageGrain : IGrainWithStringKey
{
    /// <summary>Stores the page's entries if it has none yet; a sealed page is never overwritten.</summary>
    [Alias("Seal")]
    Task SealAsync(IReadOnlyList<AuditEntry> entries);

    /// <summary>The page's entries, oldest first (empty if it was never sealed).</summary>
    [Alias("Get")]
    Task<IReadOnlyList<AuditEntry>> GetAsync();
}
