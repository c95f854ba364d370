using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Personas;

public static class PersonaServices
{
    /// <summary>What the persona fields resolve with, one instance per operation, and the limits on what personas hold.</summary>
    public static IServiceCollection AddPersonas(this IServiceCollection services)
    {
        services.AddOptions<PersonaOptions>().BindConfiguration(PersonaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<PersonaReader>();
        services.AddScoped<PersonaCommands>();
        services.AddScoped<PersonaByIdDataLoader>();
        services.AddScoped<INodeResolver, PersonaNodeResolver>();
        return services;
    }
}
