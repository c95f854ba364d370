using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Data;

/// <summary>Applies pending migrations before the host serves requests, when configured to.</summary>
internal sealed partial class DatabaseMigrator(
    IDbContextFactory<PlatformDbContext> contexts,
    IOptions<DataOptions> options,
    DatabaseInfo database,
    ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.ShouldMigrate(database))
            return;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
            return;
        LogMigrating(logger, database.Kind, pending.Count);
        // EF Core takes a database-wide lock here, so instances starting together migrate once.
        await db.Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applying {Count} pending migration(s) to {Database}")]
    private static partial void LogMigrating(ILogger logger, DatabaseKind database, int count);
}
