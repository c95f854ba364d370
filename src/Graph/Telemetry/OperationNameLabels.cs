using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Telemetry;

/// <summary>
/// The operation name a metric (and a span's name) may carry: clients choose operation names, so every new one would be
/// a new time series. Kept: the names of trusted documents (the manifest bounds them) and the first
/// <c>Telemetry:MaxOperationNames</c> distinct others; any later one is <see cref="Other"/>, and so is a name that is
/// not a plain GraphQL name of at most 64 characters.
/// </summary>
public sealed partial class OperationNameLabels(IOptions<TelemetryOptions> options)
{
    public const string Other = "other";

    private readonly HashSet<string> _kept = new(StringComparer.Ordinal);

    /// <summary>The label for <paramref name="name"/>; null when the operation has no name.</summary>
    public string? LabelFor(string? name, bool trusted)
    {
        if (name is null)
            return null;
        if (!PlainName().IsMatch(name))
            return Other;
        if (trusted)
            return name;
        lock (_kept)
            return _kept.Contains(name) || (_kept.Count < options.Value.MaxOperationNames && _kept.Add(name)) ? name : Other;
    }

    // \z, not $: $ would let a name end in a newline.
    [GeneratedRegex(@"^[_A-Za-z][_0-9A-Za-z]{0,63}\z")]
    private static partial Regex PlainName();
}
