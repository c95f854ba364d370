using LlmPlatform.Llm.Budgets;

namespace LlmPlatform.Llm.Tests.Budgets;

/// <summary>Periods start at local midnights of the configured zone; a user with several roles gets each limit at its most generous.</summary>
public sealed class BudgetWindowTests
{
    [Fact]
    public void At_Utc_IsTheUtcDayAndMonth()
    {
        var window = BudgetWindow.At(new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero), TimeZoneInfo.Utc);

        Assert.Equal(new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero), window.DayStart);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), window.DayEnd);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), window.MonthStart);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), window.MonthEnd);
    }

    [Fact]
    public void At_BerlinOnTheDayClocksGoForward_IsA23HourDayFromLocalMidnight()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        // 2026-03-29 10:00 UTC is noon in Berlin, on the day summer time starts.
        var window = BudgetWindow.At(new DateTimeOffset(2026, 3, 29, 10, 0, 0, TimeSpan.Zero), berlin);

        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), window.DayStart);
        Assert.Equal(TimeSpan.FromHours(23), window.DayEnd - window.DayStart);
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.Zero), window.MonthStart);
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 22, 0, 0, TimeSpan.Zero), window.MonthEnd);
    }

    [Fact]
    public void MostGenerous_TakesTheLargestOfEachLimit_AndNoLimitBeatsAny()
    {
        var user = new BudgetLimits { DailyTokens = 100, MonthlyTokens = 1000, DailyCost = 1m };
        var power = new BudgetLimits { DailyTokens = 500, MonthlyTokens = 800, DailyCost = 0.5m, MonthlyCost = 20m };

        var limits = BudgetLimits.MostGenerous([user, power]);

        Assert.Equal(new BudgetLimits { DailyTokens = 500, MonthlyTokens = 1000, DailyCost = 1m, MonthlyCost = null }, limits);
    }

    [Fact]
    public void Refusal_WhenTheDayAndTheMonthAreSpent_WaitsForTheMonth()
    {
        var now = new DateTimeOffset(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);
        var window = BudgetWindow.At(now, TimeZoneInfo.Utc);
        var limits = new BudgetLimits { DailyTokens = 10, MonthlyCost = 1m };

        var both = GenerationBudget.Refusal(limits, new PeriodSpend(new Spend(10, 0.1m), new Spend(50, 1m)), window, now);
        var day = GenerationBudget.Refusal(limits, new PeriodSpend(new Spend(10, 0.1m), new Spend(50, 0.99m)), window, now);
        var none = GenerationBudget.Refusal(limits, new PeriodSpend(new Spend(9, 0.1m), new Spend(50, 0.99m)), window, now);

        Assert.Equal((BudgetPeriod.Month, true, window.MonthEnd, window.MonthEnd - now), (both!.Period, both.ByCost, both.ResetsAt, both.RetryAfter));
        Assert.Equal((BudgetPeriod.Day, false, window.DayEnd), (day!.Period, day.ByCost, day.ResetsAt));
        Assert.Null(none);
    }
}
