using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Graph.Tests;

/// <summary>A clean start (a new database, migrated at start-up) logs nothing at Error level: an operator's alert stays quiet.</summary>
public sealed class StartupLogTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Start_OnANewDatabase_LogsNoError(string database)
    {
        var logs = new ScopedLogs();
        var servers = database == "sqlite" ? TestServers.Sqlite() : TestServers.Postgres();
        await using (await servers.WithServices(services => services.AddLogging(logging => logging.AddProvider(logs))).StartAsync())
        {
        }

        Assert.Empty(logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.ToString()));
    }
}
