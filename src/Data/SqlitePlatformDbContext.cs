using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LlmPlatform.Data;

/// <summary>The model on SQLite, the embedded default. Migrations in <c>Migrations/Sqlite</c>.</summary>
public sealed class SqlitePlatformDbContext(DbContextOptions<SqlitePlatformDbContext> options) : PlatformDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite keeps no time zone: everything we store is UTC, so say so when reading it back.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        // SQLite cannot order or sum decimals; a double is exact enough for costs.
        configurationBuilder.Properties<decimal>().HaveConversion<double>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        value => value.ToUniversalTime(),
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
