using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Data;

/// <summary>Where the data lives and what happens to it at start-up. Section <c>Data</c>.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";

    /// <summary>Apply pending migrations when the host starts. Null: on for SQLite, off for PostgreSQL.</summary>
    public bool? MigrateOnStartup { get; set; }

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
