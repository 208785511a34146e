using Azure.Storage.Blobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orleans.Align.Silo;

/// <summary>Ready while this silo is an active member of the cluster (not joining, shutting down or declared dead).</summary>
internal sealed class ClusterMembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(silo.SiloAddress);
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"{silo.SiloAddress} is active; {active} active silo(s) at membership version {snapshot.Version}.")
            : HealthCheckResult.Unhealthy($"{silo.SiloAddress} is {status} in the cluster, not active."));
    }
}

/// <summary>
/// Ready while the storage account answers: the event log's container is reachable within 5 s. A silo
/// that cannot reach storage acknowledges nothing (every append answers 503), so it says so here.
/// </summary>
internal sealed class StorageHealthCheck(BlobContainerClient container) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(5));
            var exists = await container.ExistsAsync(deadline.Token);
            return HealthCheckResult.Healthy($"Blob container '{container.Name}' at {container.Uri.Host}:{container.Uri.Port} answers ({(exists.Value ? "exists" : "not created yet")}).");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Blob storage at {container.Uri.Host}:{container.Uri.Port} does not answer.", ex);
        }
    }
}
