namespace LlmPlatform.Llm.Budgets;

/// <summary>The periods budgets are counted in.</summary>
public enum BudgetPeriod
{
    Day,
    Month,
}

/// <summary>What a user spent in a period: tokens (prompt and reply) and cost, of generations that called a provider.</summary>
public readonly record struct Spend(long Tokens, decimal Cost)
{
    public static Spend operator +(Spend a, Spend b) => new(a.Tokens + b.Tokens, a.Cost + b.Cost);
}

/// <summary>What a user spent in the current day and the current month.</summary>
public readonly record struct PeriodSpend(Spend Day, Spend Month);

/// <summary>
/// The current day and month in the budgets' time zone, as UTC instants: each starts at a local midnight and ends at
/// the next period's start.
/// </summary>
public sealed record BudgetWindow(DateTimeOffset DayStart, DateTimeOffset DayEnd, DateTimeOffset MonthStart, DateTimeOffset MonthEnd)
{
    /// <summary>The window that holds <paramref name="now"/> in <paramref name="zone"/>.</summary>
    public static BudgetWindow At(DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        var month = new DateTime(today.Year, today.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        return new(Midnight(today, zone), Midnight(today.AddDays(1), zone), Midnight(month, zone), Midnight(month.AddMonths(1), zone));
    }

    public DateTimeOffset StartOf(BudgetPeriod period) => period == BudgetPeriod.Day ? DayStart : MonthStart;

    public DateTimeOffset EndOf(BudgetPeriod period) => period == BudgetPeriod.Day ? DayEnd : MonthEnd;

    // A zone that skips its midnight (a DST change at 00:00) starts that day at the first local time that exists.
    private static DateTimeOffset Midnight(DateTime localDate, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(localDate, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(15);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
