namespace LlmPlatform.Graph.Analytics;

public static class UsageServices
{
    /// <summary>What the usage fields resolve with, one instance per operation.</summary>
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddScoped<UsageReader>();
        services.AddScoped<UsageByPersonaIdDataLoader>();
        services.AddScoped<UsageByUserIdDataLoader>();
        services.AddScoped<UsageByConversationIdDataLoader>();
        return services;
    }
}
