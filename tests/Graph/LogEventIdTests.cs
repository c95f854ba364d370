using System.Reflection;
using LlmPlatform.Data;
using LlmPlatform.Llm;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Graph.Tests;

/// <summary>An operator filters and alerts on log event ids: each one must name one event of the whole server.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void EveryLogEvent_HasItsOwnId()
    {
        var events = new[] { typeof(Program).Assembly, typeof(LlmServiceCollectionExtensions).Assembly, typeof(PlatformDbContext).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();

        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.Attribute!.EventId > 0, $"{e.Method} has no event id."));
        var shared = events.GroupBy(e => e.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}").ToList();
        Assert.True(shared.Count == 0, "Event ids used more than once:\n" + string.Join('\n', shared));
    }
}
