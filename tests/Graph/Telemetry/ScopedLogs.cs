using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Graph.Tests.Telemetry;

/// <summary>Every log entry of a host as text, with the values of the scopes it was written in.</summary>
public sealed class ScopedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>Everything logged so far, scopes included, one entry per line.</summary>
    public string Text => string.Join('\n', _entries.Select(e => e.ToString()));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    public sealed record Entry(LogLevel Level, string Category, int EventId, string Message, IReadOnlyDictionary<string, string?> Scope, string Values)
    {
        public override string ToString() =>
            $"{Level} {Category}[{EventId}] {Message} {{{Values}}} scope {{{string.Join(", ", Scope.Select(s => $"{s.Key}={s.Value}"))}}}";
    }

    private sealed class Logger(ScopedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logs._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, string?>(StringComparer.Ordinal);
            logs._scopes.ForEachScope((value, into) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object>> pairs)
                    foreach (var (key, item) in pairs)
                        into[key] = item?.ToString();
            }, scope);
            var values = state is IEnumerable<KeyValuePair<string, object?>> fields ? string.Join(", ", fields.Select(p => $"{p.Key}={p.Value}")) : "";
            logs._entries.Enqueue(new Entry(logLevel, category, eventId.Id, formatter(state, exception) + " " + exception, scope, values));
        }
    }
}
