using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Auth;

/// <summary>
/// Keeps ASP.NET Core data protection's key ring (what encrypts session cookies and antiforgery
/// tokens) in the cluster (<see cref="IDataProtectionKeysGrain"/>), so that every gateway, on any
/// machine, reads the same keys. Data protection asks for the ring rarely (at the first cookie, then
/// about once a day) and synchronously, so the call blocks; it is bounded by a timeout, and a failed
/// read surfaces as an unavailable cluster (503), never as a cookie silently encrypted with a key
/// no other gateway knows.
/// </summary>
public sealed class ClusterKeyRing(IClusterClient cluster) : IXmlRepository
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private IDataProtectionKeysGrain Keys => cluster.GetGrain<IDataProtectionKeysGrain>(0);

    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. Keys.GetAllAsync().WaitAsync(Timeout).GetAwaiter().GetResult().Select(xml => XElement.Parse(xml))];

    public void StoreElement(XElement element, string friendlyName) =>
        Keys.StoreAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting)).WaitAsync(Timeout).GetAwaiter().GetResult();
}
