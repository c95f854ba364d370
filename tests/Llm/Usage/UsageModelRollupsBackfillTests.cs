using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Usage;

/// <summary>
/// A database rolled up before the per-model level existed gets that level for every hour it had when the
/// <c>UsageModelRollups</c> migration runs, equal to what the rollup job writes itself, on SQLite and PostgreSQL.
/// </summary>
public sealed class UsageModelRollupsBackfillTests
{
    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task TheMigration_FillsThePerModelLevelFromTheRollupsAlreadyWritten(string database)
    {
        await using var host = await UsageDatabaseHost.StartAsync(database);
        await host.WriteAsync(db => db.UsageEvents.AddRange(UsageSeed.Events()));
        var clock = new FakeTimeProvider(new DateTimeOffset(UsageSeed.To.AddHours(3)));
        await new UsageRollupJob(host.Contexts, clock, Options.Create(new UsageRollupOptions { MaxHoursPerRun = 1000 })).RunAsync(default);
        var written = await host.ReadAsync(db => db.UsageModelRollups.AsNoTracking().ToListAsync());
        Assert.NotEmpty(written);

        await host.ReadAsync(async db =>
        {
            var migrator = db.GetService<IMigrator>();
            var migrations = db.Database.GetMigrations().ToList();
            var added = migrations.FindIndex(m => m.EndsWith("_UsageModelRollups", StringComparison.Ordinal));
            await migrator.MigrateAsync(migrations[added - 1]);
            await migrator.MigrateAsync(migrations[^1]);
            return 0;
        });

        var backfilled = await host.ReadAsync(db => db.UsageModelRollups.AsNoTracking().ToListAsync());
        Assert.Equal(written.Select(Describe).Order(StringComparer.Ordinal), backfilled.Select(Describe).Order(StringComparer.Ordinal));
    }

    // Cost to the cent's ten-thousandth: SQLite sums it as a double.
    private static string Describe(UsageModelRollup r) => string.Join('|', r.HourStart.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        r.Provider, r.Model, r.Requests, r.Succeeded, r.Failed, r.Cancelled, r.Cached, r.PromptTokens, r.CompletionTokens,
        Math.Round((double)r.Cost * 10_000), r.LatencyMsSum, r.TimeToFirstTokenMsSum, r.TimeToFirstTokenCount);
}
