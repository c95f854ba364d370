using LlmPlatform.Llm.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Llm.Budgets;

public static class BudgetServiceCollectionExtensions
{
    /// <summary>
    /// Per-user budgets on generations (section <c>Budgets</c>): counted in Redis, shared by every instance, when
    /// <c>ConnectionStrings:Redis</c> is set; else in memory.
    /// </summary>
    public static IHostApplicationBuilder AddGenerationBudgets(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<BudgetOptions>().BindConfiguration(BudgetOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BudgetReader>();
        if (builder.AddRedisConnection())
            services.AddSingleton<IBudgetCounters, RedisBudgetCounters>();
        else
            services.AddSingleton<IBudgetCounters, InMemoryBudgetCounters>();
        services.AddSingleton<IGenerationBudget, GenerationBudget>();
        return builder;
    }
}
