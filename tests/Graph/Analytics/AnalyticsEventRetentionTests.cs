using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Llm.Analytics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Graph.Tests.Analytics;

/// <summary>The retention job deletes exactly the events older than `Analytics:Retention:AnalyticsEvents`, in batches, on both databases.</summary>
public abstract class AnalyticsEventRetentionTests(PlatformServer server)
{
    [Fact]
    public async Task RetentionJob_DeletesEventsOlderThanTheRetention_KeepsTheRest()
    {
        var now = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        var retention = TimeSpan.FromDays(30);
        var name = $"retained.{Guid.NewGuid():N}";
        var ages = new[] { 400, 31, 30.0001, 29.9999, 1, 0 };
        await server.ReadAsync(async db =>
        {
            db.AnalyticsEvents.AddRange(ages.Select(days => new AnalyticsEvent { Id = Guid.NewGuid(), Name = name, CreatedAt = now.AddDays(-days) }));
            return await db.SaveChangesAsync();
        });
        var job = new AnalyticsEventRetentionJob(
            server.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>(), new FakeTimeProvider(now),
            Options.Create(new AnalyticsRetentionOptions { AnalyticsEvents = retention, DeleteBatchSize = 2 }), NullLogger<AnalyticsEventRetentionJob>.Instance);

        await job.RunAsync(default);

        var left = await server.ReadAsync(db => db.AnalyticsEvents.Where(e => e.Name == name).Select(e => e.CreatedAt).ToListAsync());
        Assert.Equal(ages.Where(days => days < 30).Select(days => now.AddDays(-days)).Order(), left.Order());
    }
}

public sealed class AnalyticsEventRetentionOnSqliteTests(SqliteServer server) : AnalyticsEventRetentionTests(server), IClassFixture<SqliteServer>;

public sealed class AnalyticsEventRetentionOnPostgresTests(PostgresServer server) : AnalyticsEventRetentionTests(server), IClassFixture<PostgresServer>;
