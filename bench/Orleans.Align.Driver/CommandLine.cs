using System.Globalization;

namespace Orleans.Align.Driver;

/// <summary>
/// <c>command --name value --name=value --flag</c>, parsed by hand: the driver has a handful of
/// options and no other dependency. Each command asks for its options by name and then calls
/// <see cref="RejectUnread"/>, so a misspelt option is an error instead of silently ignored.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CommandLine(string? command, Dictionary<string, string?> options)
    {
        Command = command;
        _options = options;
    }

    /// <summary>The first word, or null when the line starts with an option or is empty.</summary>
    public string? Command { get; }

    public bool WantsHelp => Command is "help" || _options.ContainsKey("help") || _options.ContainsKey("h");

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        string? command = null;
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                if (command is not null) throw new UsageException($"Unexpected '{arg}': give options as --name value.");
                command = arg;
                continue;
            }

            var name = arg.TrimStart('-');
            string? value = null;
            if (name.IndexOf('=') is var equals and >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            if (name.Length == 0) throw new UsageException($"'{arg}' is not an option.");
            if (!options.TryAdd(name, value)) throw new UsageException($"--{name} is given twice.");
        }
        return new CommandLine(command, options);
    }

    /// <summary>The option's value, or null when it is absent.</summary>
    public string? Value(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var value)) return null;
        return value ?? throw new UsageException($"--{name} needs a value.");
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var value)) return false;
        return value is null ? true : throw new UsageException($"--{name} takes no value (got '{value}').");
    }

    public double Number(string name, double fallback, double min, double max)
    {
        var text = Value(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
            throw new UsageException($"--{name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'.");
        return number;
    }

    /// <summary>A duration as <c>30s</c>, <c>500ms</c>, <c>2m</c>, or a plain number of seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        var text = Value(name);
        if (text is null) return fallback;
        var (digits, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], TimeSpan.FromMilliseconds(1))
            : text.EndsWith('s') ? (text[..^1], TimeSpan.FromSeconds(1))
            : text.EndsWith('m') ? (text[..^1], TimeSpan.FromMinutes(1))
            : (text, TimeSpan.FromSeconds(1));
        var valid = double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && Math.Abs(number) < 1e9;
        var duration = valid ? unit * number : TimeSpan.Zero;
        if (!valid || duration < min || duration > max)
            throw new UsageException($"--{name} must be a duration from {min.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s to {max.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s (e.g. 30s, 500ms, 2m), not '{text}'.");
        return duration;
    }

    public void RejectUnread()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).Select(k => "--" + k).ToList();
        if (unknown.Count > 0) throw new UsageException($"Unknown option{(unknown.Count > 1 ? "s" : "")} for '{Command}': {string.Join(", ", unknown)}.");
    }
}

/// <summary>The command line is wrong; the message says how.</summary>
public sealed class UsageException(string message) : Exception(message);
