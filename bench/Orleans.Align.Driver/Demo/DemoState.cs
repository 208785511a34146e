using System.Text.Json;

namespace Orleans.Align.Driver.Demo;

/// <summary>
/// What a demo run must remember for the next one: the gateway only shows an organization's keys
/// when it creates them.
/// </summary>
/// <remarks>
/// <c>BoardLinks</c>: the wall-screen link of each printed board (board id → link). <c>ReadApiKey</c> is
/// what earlier versions printed in the URLs instead; it is kept when a state file has one, and no longer made.
/// </remarks>
public sealed record DemoState(string Gateway, string Org, string AdminApiKey, string? ReadApiKey, IReadOnlyList<DemoPerson>? People = null,
    IReadOnlyDictionary<string, string>? BoardLinks = null);

/// <summary>A demo person and the password generated for them on the run that added them.</summary>
public sealed record DemoPerson(string Email, string DisplayName, string Role, IReadOnlyList<string> Departments, string Password);

/// <summary>Reads and writes <see cref="DemoState"/> as JSON. The file holds an admin key, so it is kept private.</summary>
public static class DemoStateFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static DemoState? Load(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var state = JsonSerializer.Deserialize<DemoState>(File.ReadAllText(path), Json);
            if (state is { Gateway.Length: > 0, Org.Length: > 0, AdminApiKey.Length: > 0 }) return state;
        }
        catch (JsonException)
        {
            // Reported below together with a file that parses but misses fields.
        }
        throw new DemoSetupException($"The state file {path} is not a demo state file ({{gateway, org, adminApiKey, boardLinks}}). Delete it, or pass another --state-file.");
    }

    public static void Save(string path, DemoState state)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder);
            // The folder is ours and holds secrets: keep it out of any repository the demo is run from.
            File.WriteAllText(Path.Combine(folder, ".gitignore"), "*\n");
        }

        // Written aside and moved into place, so an interrupted run never leaves half a file (and no key).
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, Json));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>The demo cannot be set up as asked; the message says what to do about it.</summary>
public sealed class DemoSetupException(string message) : Exception(message);
