using System.Diagnostics;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace LlmPlatform.Graph.Tests.Telemetry;

/// <summary>
/// A server over SQLite with the stub provider, telemetry at its defaults, every finished span kept in memory (the
/// InMemory exporter, beside whatever the server exports itself) and every log entry kept with its scopes.
/// </summary>
public class TelemetryServer : StubProviderServer
{
    private readonly List<Activity> _spans = [];

    public ScopedLogs Logs { get; } = new();

    /// <summary>The spans finished so far.</summary>
    public IReadOnlyList<Activity> Spans
    {
        get
        {
            lock (_spans)
                return [.. _spans];
        }
    }

    /// <summary>The first finished span <paramref name="match"/> accepts, waiting for it a while.</summary>
    public async Task<Activity> WaitForSpanAsync(Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow + GenerationStreams.Wait;
        while (true)
        {
            if (Spans.FirstOrDefault(match) is { } span)
                return span;
            if (DateTime.UtcNow > deadline)
                Assert.Fail("No such span among: " + string.Join(", ", Spans.Select(s => s.DisplayName)));
            await Task.Delay(50);
        }
    }

    protected override Task<TestDatabase> CreateDatabaseCoreAsync() => Task.FromResult(TestDatabase.CreateSqlite());

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(traces => traces.AddInMemoryExporter(new LockedSpanList(_spans)));
        services.AddLogging(logging =>
        {
            logging.AddProvider(Logs);
            logging.AddFilter<ScopedLogs>(null, LogLevel.Trace);
            logging.SetMinimumLevel(LogLevel.Trace);
        });
    }
}
