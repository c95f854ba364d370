using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Usage;

/// <summary>
/// The hourly rollups of both levels (per user, model and persona; per model) equal the sums of the usage rows they
/// cover, on SQLite and PostgreSQL, and rerunning changes nothing.
/// </summary>
public sealed class UsageRollupJobTests
{
    private static readonly DateTime Start = new(2026, 11, 30, 22, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task Rollups_EqualTheSumsOfTheirHoursRows_AndRerunningChangesNothing(string database)
    {
        await using var host = await UsageDatabaseHost.StartAsync(database);
        var events = Seed();
        await host.WriteAsync(db => db.UsageEvents.AddRange(events));
        var clock = new FakeTimeProvider(new DateTimeOffset(Start.AddHours(5).AddMinutes(10)));
        var job = new UsageRollupJob(host.Contexts, clock, Options.Create(new UsageRollupOptions()));

        await job.RunAsync(default);
        var first = await host.ReadAsync(db => db.UsageRollups.AsNoTracking().ToListAsync());
        await job.RunAsync(default);
        var second = await host.ReadAsync(db => db.UsageRollups.AsNoTracking().ToListAsync());

        var expected = events
            .GroupBy(u => (Hour: new DateTime(u.CreatedAt.Year, u.CreatedAt.Month, u.CreatedAt.Day, u.CreatedAt.Hour, 0, 0, DateTimeKind.Utc), u.UserId, u.Provider, u.Model, u.PersonaId))
            .Select(g => Describe(g.Key.Hour, g.Key.UserId, g.Key.Provider, g.Key.Model, g.Key.PersonaId, g.Count(),
                g.Count(u => u.Status == GenerationStatus.Completed), g.Count(u => u.Status == GenerationStatus.Failed),
                g.Count(u => u.Status == GenerationStatus.Cancelled), g.Count(u => u.Cached), g.Sum(u => (long)u.PromptTokens),
                g.Sum(u => (long)u.CompletionTokens), g.Sum(u => u.Cost), g.Sum(u => (long)u.LatencyMs),
                g.Sum(u => (long)(u.TimeToFirstTokenMs ?? 0)), g.Count(u => u.TimeToFirstTokenMs is not null)))
            .Order().ToList();
        Assert.Equal(expected, first.Select(Describe).Order().ToList());
        Assert.Equal(expected, second.Select(Describe).Order().ToList());
        Assert.Equal(6, first.Select(r => r.HourStart).Distinct().Count());

        // The per-model level: the same sums, for everyone, per hour, provider and model.
        var expectedPerModel = events
            .GroupBy(u => (Hour: new DateTime(u.CreatedAt.Year, u.CreatedAt.Month, u.CreatedAt.Day, u.CreatedAt.Hour, 0, 0, DateTimeKind.Utc), u.Provider, u.Model))
            .Select(g => Describe(g.Key.Hour, Guid.Empty, g.Key.Provider, g.Key.Model, null, g.Count(),
                g.Count(u => u.Status == GenerationStatus.Completed), g.Count(u => u.Status == GenerationStatus.Failed),
                g.Count(u => u.Status == GenerationStatus.Cancelled), g.Count(u => u.Cached), g.Sum(u => (long)u.PromptTokens),
                g.Sum(u => (long)u.CompletionTokens), g.Sum(u => u.Cost), g.Sum(u => (long)u.LatencyMs),
                g.Sum(u => (long)(u.TimeToFirstTokenMs ?? 0)), g.Count(u => u.TimeToFirstTokenMs is not null)))
            .Order().ToList();
        Assert.Equal(expectedPerModel, (await host.ReadAsync(db => db.UsageModelRollups.AsNoTracking().ToListAsync())).Select(Describe).Order().ToList());
    }

    private static string Describe(UsageModelRollup r) => Describe(r.HourStart, Guid.Empty, r.Provider, r.Model, null, r.Requests, r.Succeeded,
        r.Failed, r.Cancelled, r.Cached, r.PromptTokens, r.CompletionTokens, r.Cost, r.LatencyMsSum, r.TimeToFirstTokenMsSum, r.TimeToFirstTokenCount);

    private static string Describe(UsageRollup r) => Describe(r.HourStart, r.UserId, r.Provider, r.Model, r.PersonaId, r.Requests, r.Succeeded,
        r.Failed, r.Cancelled, r.Cached, r.PromptTokens, r.CompletionTokens, r.Cost, r.LatencyMsSum, r.TimeToFirstTokenMsSum, r.TimeToFirstTokenCount);

    private static string Describe(DateTime hour, Guid user, string provider, string model, Guid? persona, params object[] values) =>
        string.Join('|', new object?[] { hour.ToString("O", System.Globalization.CultureInfo.InvariantCulture), user, provider, model, persona }
            // SQLite sums costs as doubles: compared to the cent's ten-thousandth, which no rounding of the sums reaches.
            .Concat(values.Select(v => v is decimal d ? (object)Math.Round((double)d * 10_000) : v)));

    /// <summary>Usage over six hours, two users, two providers, three models, with and without a persona, every status.</summary>
    private static List<UsageEvent> Seed()
    {
        var other = Guid.Parse("5b0c3f4e-6a1d-4e55-9d7a-2f8f1e0c9a11");
        var random = new Random(42);
        var statuses = new[] { GenerationStatus.Completed, GenerationStatus.Completed, GenerationStatus.Failed, GenerationStatus.Cancelled };
        var targets = new[] { ("echo", "echo-1"), ("openai", "gpt-4o-mini"), ("openai", "gpt-4o") };
        return [.. Enumerable.Range(0, 300).Select(i =>
        {
            var (provider, model) = targets[i % targets.Length];
            return new UsageEvent
            {
                Id = Guid.NewGuid(),
                GenerationId = Guid.NewGuid(),
                Provider = provider,
                Model = model,
                PersonaId = i % 4 == 0 ? null : BuiltInPersonas.HelpfulAssistantId,
                UserId = i % 3 == 0 ? other : LocalUser.Id,
                PromptTokens = random.Next(1, 5000),
                CompletionTokens = random.Next(0, 2000),
                TokensEstimated = i % 2 == 0,
                LatencyMs = random.Next(10, 20000),
                TimeToFirstTokenMs = i % 5 == 0 ? null : random.Next(1, 900),
                Status = statuses[i % statuses.Length],
                Cached = i % 7 == 0,
                Cost = Math.Round((decimal)random.NextDouble(), 6),
                CreatedAt = Start.AddMinutes(i * 6 * 60 / 300.0 + 0.5),
            };
        })];
    }
}
