using System.Collections.Concurrent;
using System.Diagnostics;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LlmPlatform.Graph.Tests.Schema.Filtering;

/// <summary>
/// The text of the SQL statements one server sends while this is alive, read from EF Core's diagnostic events
/// (the fixture's counter only counts). Other servers in the test process send theirs to other databases.
/// </summary>
public sealed class SqlCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string _connectionString;
    private readonly ConcurrentQueue<string> _statements = new();
    private readonly ConcurrentBag<IDisposable> _subscriptions = [];
    private readonly IDisposable _allListeners;

    private SqlCapture(string connectionString)
    {
        _connectionString = connectionString;
        _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public IReadOnlyList<string> Statements => [.. _statements];

    public static async Task<SqlCapture> StartAsync(PlatformServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var connectionString = await server.ReadAsync(db => Task.FromResult(db.Database.GetConnectionString()!));
        return new SqlCapture(connectionString);
    }

    public void Dispose()
    {
        _allListeners.Dispose();
        foreach (var subscription in _subscriptions)
            subscription.Dispose();
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
            _subscriptions.Add(value.Subscribe(this));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == RelationalEventId.CommandExecuting.Name
            && value.Value is CommandEventData data
            && data.Context?.Database.GetConnectionString() == _connectionString)
            _statements.Enqueue(data.Command.CommandText);
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }

    void IObserver<DiagnosticListener>.OnError(Exception error) { }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }
}
