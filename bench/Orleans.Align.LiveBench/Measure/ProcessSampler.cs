using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Orleans.Align.LiveBench.Measure;

/// <summary>CPU and resident memory of a server process, read from /proc (Linux).</summary>
public sealed partial class ProcessSampler(string name, int pid)
{
    // /proc/<pid>/stat counts CPU time in clock ticks, which are 1/100 s on Linux (USER_HZ) whatever the kernel's HZ.
    private const double TicksPerSecond = 100;

    private long _startTicks;
    private long _startAt;

    public string Name { get; } = name;
    public int Pid { get; } = pid;
    public long RssStartKb { get; private set; }
    public long RssPeakKb { get; private set; }

    /// <summary>Memory at the start of the run, before set-up.</summary>
    public void Start()
    {
        RssPeakKb = RssStartKb = RssKb();
        StartCpu();
    }

    /// <summary>CPU from the start of the measured window.</summary>
    public void StartCpu()
    {
        _startTicks = CpuTicks();
        _startAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Called every second or so during the run, for the peak; returns the resident memory now.</summary>
    public long Sample()
    {
        var now = RssKb();
        RssPeakKb = Math.Max(RssPeakKb, now);
        return now;
    }

    /// <summary>Percent of one core since <see cref="Start"/> (200 = two cores busy).</summary>
    public double CpuPercent() =>
        (CpuTicks() - _startTicks) / TicksPerSecond / Stopwatch.GetElapsedTime(_startAt).TotalSeconds * 100;

    public long RssKb()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
            // Gone: reported as 0.
        }
        return 0;
    }

    private long CpuTicks()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime + stime
        }
        catch (IOException)
        {
            return _startTicks;
        }
    }

    /// <summary>The process listening on a TCP port of this machine, from <c>ss -ltnpH</c>; null when none of ours is.</summary>
    public static int? PidListeningOn(int port)
    {
        try
        {
            using var ss = Process.Start(new ProcessStartInfo("ss", ["-ltnpH", $"sport = :{port}"]) { RedirectStandardOutput = true, UseShellExecute = false });
            if (ss is null) return null;
            var text = ss.StandardOutput.ReadToEnd();
            ss.WaitForExit();
            var match = PidPattern().Match(text);
            return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no ss on this machine
        }
    }

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex PidPattern();
}
