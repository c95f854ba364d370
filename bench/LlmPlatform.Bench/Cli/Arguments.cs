using System.Globalization;

namespace LlmPlatform.Bench.Cli;

/// <summary>
/// A command line of positional words and <c>--name value</c> options; an option may repeat
/// (<c>--graphql-env A=1 --graphql-env B=2</c>). Every option must be read, so a typo fails the run.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>Options that take no value.</summary>
    private static readonly HashSet<string> Flags = new(["postgres"], StringComparer.Ordinal);

    public IReadOnlyList<string> Positional { get; }

    private Arguments(List<string> positional) => Positional = positional;

    public static Arguments Parse(IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var list = args.ToList();
        var positional = new List<string>();
        var parsed = new Arguments(positional);
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(list[i]);
                continue;
            }
            var name = list[i][2..];
            if (Flags.Contains(name))
            {
                parsed._options[name] = ["true"];
                continue;
            }
            if (i + 1 >= list.Count)
                throw new UsageException($"{list[i]} needs a value");
            if (!parsed._options.TryGetValue(name, out var values))
                parsed._options[name] = values = [];
            values.Add(list[++i]);
        }
        return parsed;
    }

    /// <summary>True when the flag (an option without a value, one of <see cref="Flags"/>) was given.</summary>
    public bool Flag(string name) => Optional(name) is not null;

    public string Required(string name) => Optional(name) ?? throw new UsageException($"--{name} is required");

    public string? Optional(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var values) ? values[^1] : null;
    }

    public IReadOnlyList<string> All(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var values) ? values : [];
    }

    public int Int(string name, int fallback, int min = 1)
    {
        var text = Optional(name);
        if (text is null)
            return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new UsageException($"--{name} must be a whole number of at least {min}");
        return value;
    }

    /// <summary>A duration as <c>10s</c>, <c>500ms</c>, <c>2m</c> or plain seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        var text = Optional(name);
        return text is null ? fallback : ParseDuration(text) ?? throw new UsageException($"--{name} must be a duration such as 10s, 500ms or 2m");
    }

    /// <summary>Fails on options nobody read: a misspelt option must not silently fall back to a default.</summary>
    public void ThrowIfUnread()
    {
        var unread = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unread.Count > 0)
            throw new UsageException("unknown option(s): " + string.Join(", ", unread.Select(k => "--" + k)));
    }

    public static string FormatDuration(TimeSpan duration) =>
        duration.TotalMilliseconds % 1000 == 0
            ? ((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
            : ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    private static TimeSpan? ParseDuration(string text)
    {
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? TimeSpan.FromSeconds(value * unit)
            : null;
    }
}
