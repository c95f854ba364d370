using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Queries;
using LlmPlatform.Llm.Budgets;
using LlmPlatform.Llm.Generation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Budgets;

/// <summary>
/// A spent budget refuses the user's next generation before anything is stored, with when it renews; the period's edge
/// renews it; a user's own budget replaces their role's; spend survives a restart because it starts from the usage rows.
/// </summary>
public sealed class GenerationBudgetTests(BudgetedHost host) : IClassFixture<BudgetedHost>
{
    private GenerationService Generations => host.Get<GenerationService>();

    [Fact]
    public async Task Start_AfterTheDailyTokensAreSpent_IsBudgetExceededUntilMidnightAndStoresNothing()
    {
        var user = await host.AddUserAsync();
        await RunToTheEndAsync(user, "spend the day's tokens");
        var before = await host.ReadAsync(db => db.Messages.CountAsync());

        var start = await StartAsync(user, "one more");

        Assert.Null(start.Started);
        var error = Assert.Single(start.Errors);
        Assert.Equal(GenerationErrorCodes.BudgetExceeded, error.Code);
        var window = BudgetWindow.At(host.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        Assert.Equal(window.DayEnd, error.ResetsAt);
        Assert.Equal(window.DayEnd - host.Clock.GetUtcNow(), error.RetryAfter);
        Assert.Contains("daily token budget", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await host.ReadAsync(db => db.Messages.CountAsync()));
    }

    [Fact]
    public async Task Start_BudgetExceeded_GoesThroughAtThePeriodsEdge()
    {
        var user = await host.AddUserAsync();
        await RunToTheEndAsync(user, "spend the day's tokens");
        var refused = await StartAsync(user, "too soon");

        host.Clock.Advance(refused.Errors[0].RetryAfter!.Value);

        Assert.Equal(GenerationErrorCodes.BudgetExceeded, refused.Errors[0].Code);
        await RunToTheEndAsync(user, "a new day");
    }

    [Fact]
    public async Task Start_WithTheUsersOwnCostBudget_IsRefusedByCostUntilTheMonthsEnd()
    {
        var user = await host.AddUserAsync();
        await host.ReadAsync(async db =>
        {
            // A cost limit the first generation reaches.
            db.UserBudgets.Add(new UserBudget { UserId = user, MonthlyCost = 0.000001m, UpdatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });
        await RunToTheEndAsync(user, "cost something");
        host.Clock.Advance(TimeSpan.FromDays(1));
        var window = BudgetWindow.At(host.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        var monthRefused = await StartAsync(user, "still this month");

        host.Clock.Advance(window.MonthEnd - host.Clock.GetUtcNow());

        var error = Assert.Single(monthRefused.Errors);
        Assert.Equal(GenerationErrorCodes.BudgetExceeded, error.Code);
        Assert.Equal(window.MonthEnd, error.ResetsAt);
        Assert.Contains("monthly cost budget", error.Message, StringComparison.Ordinal);
        await RunToTheEndAsync(user, "a new month");
    }

    [Fact]
    public async Task Start_WithTheUsersOwnBudget_IgnoresTheRolesBudget()
    {
        var user = await host.AddUserAsync();
        await host.ReadAsync(async db =>
        {
            db.UserBudgets.Add(new UserBudget { UserId = user, DailyTokens = 1_000_000, UpdatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });

        // The role allows one token a day: the second would be refused under it.
        await RunToTheEndAsync(user, "first of the day");
        await RunToTheEndAsync(user, "second of the day");
    }

    [Fact]
    public async Task Counters_NewlyStarted_StartFromTheUsageRows_SoARestartForgetsNothing()
    {
        var user = await host.AddUserAsync();
        await RunToTheEndAsync(user, "count this");
        var window = BudgetWindow.At(DateTimeOffset.UtcNow, TimeZoneInfo.Utc);
        var rows = await host.ReadAsync(db => db.UsageEvents.Where(u => u.UserId == user).ToListAsync());

        var restarted = new InMemoryBudgetCounters(host.Get<BudgetReader>(), host.Get<IOptionsMonitor<BudgetOptions>>());
        var spent = await restarted.AddAsync(user, window, default, default);

        var row = Assert.Single(rows);
        Assert.Equal(new Spend(row.PromptTokens + row.CompletionTokens, row.Cost), spent!.Value.Day);
        Assert.Equal(spent.Value.Day, spent.Value.Month);
        Assert.True(row.Cost > 0);
    }

    private Task<GenerationStart> StartAsync(Guid user, string prompt) =>
        Generations.StartAsync(new GenerationRequest(null, null, prompt, null, null, null, null), user, "user:" + user.ToString("N"), default);

    private async Task RunToTheEndAsync(Guid user, string prompt)
    {
        var start = await StartAsync(user, prompt);
        Assert.Empty(start.Errors);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        GenerationEvent? last = null;
        await foreach (var generationEvent in Generations.WatchAsync(start.Started!.GenerationId, null, new Viewer(user, false), timeout.Token))
            last = generationEvent;
        Assert.IsType<GenerationCompleted>(last);
    }
}

/// <summary>
/// Every user may spend one token a day, and echo's model has a price. Budgets count on <see cref="Clock"/>, which only
/// the tests move (forward: a period the usage rows, stamped in real time, are not in).
/// </summary>
public sealed class BudgetedHost : LlmHost
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Budgets:Roles:user:DailyTokens", "1"),
        new("Llm:Providers:echo:Models:echo-1:InputCostPerMillion", "2"),
        new("Llm:Providers:echo:Models:echo-1:OutputCostPerMillion", "10"),
    ];

    protected override void ConfigureHost(HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IGenerationBudget>(sp => new GenerationBudget(
            sp.GetRequiredService<BudgetReader>(), sp.GetRequiredService<IBudgetCounters>(), sp.GetRequiredService<IOptionsMonitor<BudgetOptions>>(), Clock,
            sp.GetRequiredService<ILogger<GenerationBudget>>()));
    }
}
