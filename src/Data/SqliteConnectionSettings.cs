using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LlmPlatform.Data;

/// <summary>
/// Sets each SQLite connection up for many concurrent writers: the write-ahead log, <c>synchronous=NORMAL</c> and a
/// <c>busy_timeout</c>.
/// </summary>
/// <remarks>
/// Without a busy timeout SQLite answers a locked database with SQLITE_BUSY at once, and Microsoft.Data.Sqlite retries
/// after a fixed 150 ms sleep; with it, SQLite itself waits and retries within milliseconds of the lock being freed.
/// In WAL mode <c>synchronous=NORMAL</c> skips the flush at each commit (the log is flushed at checkpoints): a commit
/// survives the process being killed, and only a power cut can lose the last ones. The journal mode is stored in the
/// file, so it is set once per process; the other two belong to each physical connection, which the pool keeps open
/// between uses: they are set when it is first opened, not at every open (two statements per open cost the query path
/// several percent).
/// </remarks>
internal sealed class SqliteConnectionSettings(TimeSpan busyTimeout) : DbConnectionInterceptor
{
    private int _journalSet;

    // The physical connections (their sqlite3 handles) already set up; a handle the pool closes drops out by itself.
    private readonly ConditionalWeakTable<object, object> _setUp = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        // Microsoft.Data.Sqlite runs every command synchronously; an async call would only add a Task.
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        var handle = (connection as SqliteConnection)?.Handle;
        if (handle is not null && _setUp.TryGetValue(handle, out _))
            return;
        using var command = connection.CreateCommand();
        var milliseconds = ((long)busyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        command.CommandText = $"PRAGMA busy_timeout = {milliseconds}; PRAGMA synchronous = NORMAL;";
        command.ExecuteNonQuery();
        if (Interlocked.Exchange(ref _journalSet, 1) == 0)
        {
            command.CommandText = "PRAGMA journal_mode = WAL;";
            command.ExecuteNonQuery();
        }
        if (handle is not null)
            _setUp.AddOrUpdate(handle, handle);
    }
}
