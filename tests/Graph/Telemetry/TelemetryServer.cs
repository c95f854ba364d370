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
        services.ConfigureOpenTelemetryTracerProvider(traces => traces.AddInMemoryExporter(new LockedList(_spans)));
        services.AddLogging(logging =>
        {
            logging.AddProvider(Logs);
            logging.AddFilter<ScopedLogs>(null, LogLevel.Trace);
            logging.SetMinimumLevel(LogLevel.Trace);
        });
    }

    // The exporter adds from the thread that ends each span; tests read while spans still end.
    private sealed class LockedList(List<Activity> inner) : ICollection<Activity>
    {
        public int Count
        {
            get
            {
                lock (inner)
                    return inner.Count;
            }
        }

        public bool IsReadOnly => false;

        public void Add(Activity item)
        {
            lock (inner)
                inner.Add(item);
        }

        public void Clear()
        {
            lock (inner)
                inner.Clear();
        }

        public bool Contains(Activity item)
        {
            lock (inner)
                return inner.Contains(item);
        }

        public void CopyTo(Activity[] array, int arrayIndex)
        {
            lock (inner)
                inner.CopyTo(array, arrayIndex);
        }

        public bool Remove(Activity item)
        {
            lock (inner)
                return inner.Remove(item);
        }

        public IEnumerator<Activity> GetEnumerator()
        {
            lock (inner)
                return inner.ToList().GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
