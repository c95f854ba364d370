using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LlmPlatform.Data;

// `dotnet ef migrations add` builds the model without a host; these say which database each context targets.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePlatformDbContext>
{
    public SqlitePlatformDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePlatformDbContext>()
            .UseSqlite(DataServiceCollectionExtensions.DefaultSqliteConnectionString).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPlatformDbContext>
{
    public PostgresPlatformDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPlatformDbContext>()
            .UseNpgsql("Host=localhost;Database=llmplatform").Options);
}
