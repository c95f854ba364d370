using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Analytics;

/// <summary>The checks on a tracked event, each adding a user error; the limits come from <see cref="AnalyticsEventOptions"/>.</summary>
public sealed class AnalyticsEventRules(AnalyticsEventOptions options)
{
    private readonly Regex _name = new(options.NamePattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    public void CheckName(string? name, List<UserError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(name))
            errors.Add(UserError.Required("name"));
        else if (name.Length > options.MaxNameLength)
            errors.Add(UserError.TooLong("name", options.MaxNameLength));
        else if (!Matches(name))
            errors.Add(new UserError($"Name must match {options.NamePattern}.", UserErrorCodes.Invalid, ["input", "name"]));
    }

    /// <summary>The properties as they will be stored (compact JSON), or null with a user error.</summary>
    public string? CheckProperties(JsonNode? properties, List<UserError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (properties is null)
            return "{}";
        if (properties is not JsonObject)
        {
            errors.Add(new UserError("Properties must be a JSON object.", UserErrorCodes.Invalid, ["input", "properties"]));
            return null;
        }
        var (depth, keys) = Measure(properties);
        if (depth > options.MaxPropertiesDepth)
        {
            errors.Add(new UserError($"Properties may nest objects and arrays at most {options.MaxPropertiesDepth} deep.", UserErrorCodes.TooDeep, ["input", "properties"]));
            return null;
        }
        if (keys > options.MaxPropertiesKeys)
        {
            errors.Add(new UserError($"Properties may hold at most {options.MaxPropertiesKeys} keys, nested ones included.", UserErrorCodes.TooManyKeys, ["input", "properties"]));
            return null;
        }
        var json = properties.ToJsonString();
        if (Encoding.UTF8.GetByteCount(json) > options.MaxPropertiesBytes)
        {
            errors.Add(new UserError($"Properties must be at most {options.MaxPropertiesBytes} bytes of JSON.", UserErrorCodes.TooLong, ["input", "properties"]));
            return null;
        }
        return json;
    }

    /// <summary>When the event happened, in UTC: the client's time when it is within the allowed skew, else a user error.</summary>
    public DateTime? CheckOccurredAt(DateTimeOffset? occurredAt, DateTime now, List<UserError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (occurredAt is not { } at)
            return now;
        var utc = at.UtcDateTime;
        if (utc < now - options.MaxPastSkew || utc > now + options.MaxFutureSkew)
        {
            errors.Add(UserError.OutOfRange("occurredAt",
                $"within {options.MaxPastSkew} before and {options.MaxFutureSkew} after the server's clock ({now:O})"));
            return null;
        }
        return utc;
    }

    private bool Matches(string name)
    {
        try
        {
            // The whole name must match: `$` alone would also accept a name ending in a line break.
            var match = _name.Match(name);
            return match.Success && match.Index == 0 && match.Length == name.Length;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>How deep the value nests (an object or array is one level) and how many keys its objects hold.</summary>
    private static (int Depth, int Keys) Measure(JsonNode? node) => node switch
    {
        JsonObject o => o.Aggregate((Depth: 1, Keys: o.Count), (acc, p) =>
        {
            var (depth, keys) = Measure(p.Value);
            return (Math.Max(acc.Depth, depth + 1), acc.Keys + keys);
        }),
        JsonArray a => a.Aggregate((Depth: 1, Keys: 0), (acc, item) =>
        {
            var (depth, keys) = Measure(item);
            return (Math.Max(acc.Depth, depth + 1), acc.Keys + keys);
        }),
        _ => (0, 0),
    };
}
