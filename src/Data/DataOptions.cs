using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Data;

/// <summary>Where the data lives and what happens to it at start-up. Section <c>Data</c>.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";

    /// <summary>Apply pending migrations when the host starts. Null: on for SQLite, off for PostgreSQL.</summary>
    public bool? MigrateOnStartup { get; set; }

    /// <summary>
    /// PostgreSQL only: how many times a command that failed for a transient reason (a connection the server closed when
    /// it restarted, a deadlock) is tried again, with a growing delay, before the failure reaches the caller; 0: never.
    /// </summary>
    [Range(0, 20)]
    public int MaxRetryCount { get; set; } = 5;

    /// <summary>PostgreSQL only: the longest delay between two tries.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// SQLite only: how long a statement waits for another connection's write lock (SQLite's <c>busy_timeout</c>)
    /// before it fails with "database is locked".
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan SqliteBusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections kept ready in the context pool.</summary>
    [Range(1, 4096)]
    public int PoolSize { get; set; } = 1024;
}

/// <summary>Which database the configuration selects.</summary>
public enum DatabaseKind
{
    Sqlite,
    Postgres,
}
