namespace LlmPlatform.Graph.Budgets;

public static class BudgetServices
{
    /// <summary>What the budget fields and mutations resolve with, one instance per operation.</summary>
    public static IServiceCollection AddBudgets(this IServiceCollection services)
    {
        services.AddScoped<BudgetStatusByUserIdDataLoader>();
        services.AddScoped<BudgetCommands>();
        return services;
    }
}
