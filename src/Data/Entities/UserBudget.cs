namespace LlmPlatform.Data.Entities;

/// <summary>
/// One user's own budget, set by an admin. When a user has one it replaces their roles' budgets as a whole; a null
/// limit here is no limit.
/// </summary>
public sealed class UserBudget
{
    public Guid UserId { get; set; }
    public PlatformUser? User { get; set; }
    public long? DailyTokens { get; set; }
    public long? MonthlyTokens { get; set; }
    public decimal? DailyCost { get; set; }
    public decimal? MonthlyCost { get; set; }
    public DateTime UpdatedAt { get; set; }
}
