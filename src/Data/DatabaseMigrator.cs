using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Data;

/// <summary>
/// Applies pending migrations: before the host serves requests when <c>Data:MigrateOnStartup</c> says so, or once,
/// from the <c>migrate</c> command, when a deployment migrates before starting its instances.
/// </summary>
public sealed partial class DatabaseMigrator(
    IDbContextFactory<PlatformDbContext> contexts,
    IOptions<DataOptions> options,
    DatabaseInfo database,
    ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.ShouldMigrate(database))
            await MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Applies the migrations the database lacks (creating it if it does not exist) and returns how many.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // EF reads the history table before it creates it, and on PostgreSQL that failed read of a new database is logged
        // as an Error (npgsql/efcore.pg#3407) that a clean start must not raise. Created first (idempotent), it is read empty.
        await CreateHistoryTableAsync(db, cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            LogUpToDate(logger, database.Kind);
            return 0;
        }
        LogMigrating(logger, database.Kind, pending.Count);
        // EF Core takes a database-wide lock here, so instances starting together migrate once.
        await db.Database.MigrateAsync(cancellationToken);
        return pending.Count;
    }

    private static async Task CreateHistoryTableAsync(PlatformDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            if (await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken))
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only a quieter log was at stake: the migration below meets the same fault (unreachable server, missing
            // rights) and reports it as it always has.
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applying {Count} pending migration(s) to {Database}")]
    private static partial void LogMigrating(ILogger logger, DatabaseKind database, int count);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "The {Database} database has every migration")]
    private static partial void LogUpToDate(ILogger logger, DatabaseKind database);
}
