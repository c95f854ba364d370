using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Data;

/// <summary>The model on PostgreSQL, for staging and production. Migrations in <c>Migrations/Postgres</c>.</summary>
public sealed class PostgresPlatformDbContext(DbContextOptions<PostgresPlatformDbContext> options) : PlatformDbContext(options);
