using LlmPlatform.Llm.Analytics;
using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Usage;

/// <summary>Raw usage rows go only once they are old enough and rolled up; rollups go later; on SQLite and PostgreSQL.</summary>
public sealed class UsageRetentionJobTests
{
    private static readonly DateTime Now = new(2026, 11, 20, 12, 30, 0, DateTimeKind.Utc);

    private static readonly AnalyticsRetentionOptions Retention = new() { UsageEvents = TimeSpan.FromDays(3), Rollups = TimeSpan.FromDays(7) };

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task OldRows_AreDeletedOnlyOnceRolledUp_AndOldRollupsLater(string database)
    {
        await using var host = await UsageDatabaseHost.StartAsync(database);
        var events = Enumerable.Range(0, 240).Select(i => Event(Now.AddHours(-i).AddMinutes(-5))).ToList();
        await host.WriteAsync(db => db.UsageEvents.AddRange(events));
        var clock = new FakeTimeProvider(new DateTimeOffset(Now));
        var retention = new UsageRetentionJob(host.Contexts, clock, Options.Create(Retention));

        await retention.RunAsync(default);
        Assert.Equal(events.Count, await host.ReadAsync(db => db.UsageEvents.CountAsync()));

        // Rolled up as far as five days ago only: rows from then on stay, though older than three days.
        var fiveDaysAgo = new FakeTimeProvider(new DateTimeOffset(Now.AddDays(-5)));
        await new UsageRollupJob(host.Contexts, fiveDaysAgo, Options.Create(new UsageRollupOptions { MaxHoursPerRun = 1000 })).RunAsync(default);
        var firstRollups = await host.ReadAsync(db => db.UsageRollups.AsNoTracking().ToListAsync());
        Assert.Contains(firstRollups, r => r.HourStart < Now - Retention.Rollups);
        await retention.RunAsync(default);
        var lastRolled = firstRollups.Max(r => r.HourStart);
        Assert.Equal(events.Count(u => u.CreatedAt >= lastRolled), await host.ReadAsync(db => db.UsageEvents.CountAsync()));
        Assert.Equal(firstRollups.Count(r => r.HourStart >= Now - Retention.Rollups), await host.ReadAsync(db => db.UsageRollups.CountAsync()));

        await new UsageRollupJob(host.Contexts, clock, Options.Create(new UsageRollupOptions { MaxHoursPerRun = 1000 })).RunAsync(default);
        await retention.RunAsync(default);

        Assert.Equal(events.Count(u => u.CreatedAt >= Now - Retention.UsageEvents), await host.ReadAsync(db => db.UsageEvents.CountAsync()));
        Assert.DoesNotContain(await host.ReadAsync(db => db.UsageRollups.AsNoTracking().ToListAsync()), r => r.HourStart < Now - Retention.Rollups);
        Assert.DoesNotContain(await host.ReadAsync(db => db.UsageModelRollups.AsNoTracking().ToListAsync()), r => r.HourStart < Now - Retention.Rollups);
        Assert.Contains(await host.ReadAsync(db => db.UsageModelRollups.AsNoTracking().ToListAsync()), r => r.HourStart >= Now - Retention.Rollups);
    }

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task RawRows_StayWhileThePerModelLevelLacksTheirHour(string database)
    {
        await using var host = await UsageDatabaseHost.StartAsync(database);
        var events = Enumerable.Range(0, 240).Select(i => Event(Now.AddHours(-i).AddMinutes(-5))).ToList();
        await host.WriteAsync(db => db.UsageEvents.AddRange(events));
        var clock = new FakeTimeProvider(new DateTimeOffset(Now));
        await new UsageRollupJob(host.Contexts, clock, Options.Create(new UsageRollupOptions { MaxHoursPerRun = 1000 })).RunAsync(default);
        // As an instance from before the per-model level would leave it: the per-user level holds every hour, the
        // per-model level none after five days ago.
        var fiveDaysAgo = Now.AddDays(-5);
        await host.ReadAsync(db => db.UsageModelRollups.Where(r => r.HourStart >= fiveDaysAgo).ExecuteDeleteAsync());

        await new UsageRetentionJob(host.Contexts, clock, Options.Create(Retention)).RunAsync(default);

        var lastPerModel = await host.ReadAsync(db => db.UsageModelRollups.MaxAsync(r => r.HourStart));
        Assert.Equal(events.Count(u => u.CreatedAt >= lastPerModel), await host.ReadAsync(db => db.UsageEvents.CountAsync()));
    }

    [Fact]
    public void RollupsKeptForLessThanRawRows_IsRefused()
    {
        var options = new AnalyticsRetentionOptions { UsageEvents = TimeSpan.FromDays(30), Rollups = TimeSpan.FromDays(7) };
        Assert.NotEmpty(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
    }

    private static UsageEvent Event(DateTime createdAt) => new()
    {
        Id = Guid.NewGuid(),
        GenerationId = Guid.NewGuid(),
        Provider = "echo",
        Model = "echo-1",
        UserId = UsageSeed.Alice,
        PromptTokens = 10,
        CompletionTokens = 5,
        LatencyMs = 100,
        Status = GenerationStatus.Completed,
        Cost = 0.001m,
        CreatedAt = createdAt,
    };
}
