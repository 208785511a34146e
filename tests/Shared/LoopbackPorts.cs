using System.Net;
using System.Net.Sockets;

namespace Orleans.Align.Testing;

/// <summary>Loopback ports for test processes (linked into every test project that starts servers).</summary>
internal static class LoopbackPorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A free loopback port below the kernel's ephemeral range. A system picks its ports before it starts
    /// its processes, tens of seconds before the last of them binds; a port from the ephemeral range
    /// (what binding to port 0 gives) could meanwhile become the local end of some outgoing connection
    /// (the tests' own, Azurite's, another test project's), and the process then fails to bind it.
    /// </summary>
    public static int Free()
    {
        var ephemeralStart = 32768;
        try
        {
            ephemeralStart = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux, or unreadable: the usual start of the range.
        }
        var low = Math.Max(1024, ephemeralStart - 12_000);
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(low, ephemeralStart);
                if (HandedOut.Contains(port)) continue;
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                }
                catch (SocketException)
                {
                    continue; // taken
                }
                HandedOut.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"No free loopback port between {low} and {ephemeralStart}.");
    }
}
