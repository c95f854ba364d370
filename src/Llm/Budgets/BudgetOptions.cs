using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Budgets;

/// <summary>
/// Spending budgets per user, in tokens and cost, per day and per month. Section <c>Budgets</c>. Counted in memory, or
/// in Redis when <c>ConnectionStrings:Redis</c> is set, so that several instances enforce one budget.
/// </summary>
public sealed class BudgetOptions : IValidatableObject
{
    public const string Section = "Budgets";

    /// <summary>False turns every budget off: nothing is checked or counted.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The IANA time zone whose midnights start the budgets' days and months.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The budget of each role (<c>user</c>, <c>admin</c>); a user with several gets the most generous of each limit.</summary>
    public Dictionary<string, BudgetLimits> Roles { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>In memory: most users counted at once; past it the counts are dropped and read again from the database.</summary>
    [Range(1, 10_000_000)]
    public int MaxTrackedUsers { get; set; } = 100_000;

    /// <summary>In Redis: the prefix of every key the budgets use (all instances that share budgets must agree).</summary>
    [Required]
    [MinLength(1)]
    public string RedisKeyPrefix { get; set; } = "llmplatform:budget:";

    /// <summary>The time zone named by <see cref="TimeZone"/> (a method: validation reads every property, and this one throws for an unknown name).</summary>
    public TimeZoneInfo FindZone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
            yield return new ValidationResult($"Budgets:TimeZone \"{TimeZone}\" is not a known IANA time zone.", [nameof(TimeZone)]);
        foreach (var (role, limits) in Roles)
        {
            if (limits.DailyTokens < 0 || limits.MonthlyTokens < 0 || limits.DailyCost < 0 || limits.MonthlyCost < 0)
                yield return new ValidationResult($"Budgets:Roles:{role} has a negative limit.", [nameof(Roles)]);
        }
    }
}
