namespace LlmPlatform.Graph.Providers;

public static class ProviderServices
{
    /// <summary>What the provider and provider key fields resolve with, one instance per operation.</summary>
    public static IServiceCollection AddProviders(this IServiceCollection services)
    {
        services.AddScoped<ProviderKeyCommands>();
        services.AddScoped<ProviderKeyByProviderDataLoader>();
        services.AddScoped<UserKeyHealth>();
        return services;
    }
}
