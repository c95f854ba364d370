using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Generation;

public static class GenerationServices
{
    /// <summary>What the generation fields resolve with, one instance per operation.</summary>
    public static IServiceCollection AddGeneration(this IServiceCollection services)
    {
        services.AddScoped<GenerationCommands>();
        services.AddScoped<INodeResolver, GenerationNodeResolver>();
        return services;
    }
}
