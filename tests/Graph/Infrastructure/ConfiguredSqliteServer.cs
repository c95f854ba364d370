namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// A server over SQLite that a test class shapes: derive, call <c>Set</c> in the constructor (limits, environment
/// settings) and override <c>ConfigureServices</c> for test doubles. For behaviour that does not depend on the database.
/// </summary>
public abstract class ConfiguredSqliteServer : PlatformServer
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.CreateSqlite());
}
