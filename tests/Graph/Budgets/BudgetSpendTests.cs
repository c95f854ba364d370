using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Budgets;

namespace LlmPlatform.Graph.Tests.Budgets;

/// <summary>
/// <c>me.spend</c> is the sum of the user's usage rows in the current day or month (no cache hits, no one else's), on
/// SQLite and PostgreSQL, and spend and budget together cost the statements of one.
/// </summary>
public sealed class BudgetSpendTests
{
    private const string Spend = "{ me { day: spend(period: DAY) { tokens cost periodStart periodEnd } month: spend(period: MONTH) { tokens cost periodStart periodEnd } } }";

    [Theory]
    [InlineData("SQLite")]
    [InlineData("PostgreSQL")]
    public async Task Spend_IsTheSumOfTheUsersUsageRowsInThePeriod(string database)
    {
        await using var servers = await StartAsync(database);
        var server = servers[0];
        var (_, token) = await server.SignUpAsync();
        var user = await IdAsync(server, token);
        var window = BudgetWindow.At(DateTimeOffset.UtcNow, TimeZoneInfo.Utc);
        List<UsageEvent> rows =
        [
            Row(user, window.DayStart.AddMinutes(1), 100, 0.25m),
            Row(user, window.DayEnd.AddMinutes(-1) < DateTimeOffset.UtcNow ? window.DayEnd.AddMinutes(-1) : DateTimeOffset.UtcNow.AddSeconds(-1), 7, 0.00000003m),
            Row(user, window.MonthStart, 40, 1.5m),
            Row(user, window.MonthStart.AddTicks(-10), 1000, 9m),
            Row(user, window.DayStart.AddMinutes(2), 5000, 0m, cached: true),
            Row(LocalUser.Id, window.DayStart.AddMinutes(3), 3000, 3m),
        ];
        await server.ReadAsync(async db =>
        {
            db.UsageEvents.AddRange(rows);
            return await db.SaveChangesAsync();
        });

        var me = (await server.PostGraphQLWithTokenAsync(token, Spend)).ShouldHaveNoErrors().At("data.me")!;

        foreach (var (field, start, end) in new[] { ("day", window.DayStart, window.DayEnd), ("month", window.MonthStart, window.MonthEnd) })
        {
            var expected = rows.Where(r => r.UserId == user && !r.Cached && r.CreatedAt >= start.UtcDateTime && r.CreatedAt < end.UtcDateTime).ToList();
            Assert.Equal(expected.Sum(r => (long)r.PromptTokens + r.CompletionTokens), (long)me[field]!["tokens"]!);
            Assert.Equal((double)expected.Sum(r => r.Cost), (double)me[field]!["cost"]!, 8);
            Assert.Equal(start, DateTimeOffset.Parse((string)me[field]!["periodStart"]!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(end, DateTimeOffset.Parse((string)me[field]!["periodEnd"]!, System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.NotEqual((long)me["day"]!["tokens"]!, (long)me["month"]!["tokens"]!);
    }

    [Fact]
    public async Task SpendAndBudget_OfBothPeriods_CostTheStatementsOfOneField()
    {
        await using var servers = await StartAsync("SQLite");
        var server = servers[0];
        var (_, token) = await server.SignUpAsync();
        const string One = "{ me { day: spend(period: DAY) { tokens } } }";
        const string All = "{ me { day: spend(period: DAY) { tokens } month: spend(period: MONTH) { cost } budget { source remaining { dailyTokens } resetsAt } } }";
        await server.PostGraphQLWithTokenAsync(token, All);

        server.Sql.Reset();
        (await server.PostGraphQLWithTokenAsync(token, One)).ShouldHaveNoErrors();
        var forOne = server.Sql.Count;
        server.Sql.Reset();
        var all = (await server.PostGraphQLWithTokenAsync(token, All)).ShouldHaveNoErrors();

        Assert.Equal(forOne, server.Sql.Count);
        Assert.Equal("ROLE", all.String("data.me.budget.source"));
    }

    private static async Task<TestInstances> StartAsync(string database)
    {
        var builder = database == "SQLite" ? TestServers.Sqlite() : TestServers.Postgres();
        AuthSettings.Apply((key, value) => builder.With(key, value));
        builder.With("Budgets:Roles:user:MonthlyTokens", "1000000");
        return await builder.StartAsync();
    }

    private static async Task<Guid> IdAsync(PlatformServer server, string token)
    {
        Assert.True(GlobalId.TryDecodeGuid(await server.UserIdAsync(token), UserGraphType.TypeName, out var id));
        return id;
    }

    private static UsageEvent Row(Guid user, DateTimeOffset at, int tokens, decimal cost, bool cached = false) => new()
    {
        Id = Guid.NewGuid(),
        GenerationId = Guid.NewGuid(),
        Provider = "echo",
        Model = "echo-1",
        UserId = user,
        PromptTokens = tokens / 2,
        CompletionTokens = tokens - (tokens / 2),
        LatencyMs = 10,
        Status = GenerationStatus.Completed,
        Cached = cached,
        Cost = cost,
        CreatedAt = at.UtcDateTime,
    };
}
