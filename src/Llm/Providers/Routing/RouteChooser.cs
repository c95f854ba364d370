using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Providers.Routing;

/// <summary>A provider and one of its models: one place a generation may be sent.</summary>
public sealed record RouteTarget(ChatProvider Provider, string Model);

/// <summary>
/// Which targets a generation tries, in order: the request's provider (and model), else the request's route, else the
/// persona's route, else the persona's provider, else <c>Llm:DefaultRoute</c>, else <c>Llm:DefaultProvider</c>.
/// </summary>
public sealed class RouteChooser(ProviderRegistry providers, IOptions<LlmOptions> options)
{
    public (IReadOnlyList<RouteTarget>? Targets, GenerationError? Error) Choose(GenerationRequest request, Persona? persona)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Route is { } requested)
        {
            if (request.Provider is not null || request.Model is not null)
                return (null, new(GenerationErrorCodes.RouteConflict, "Name either a route or a provider and model, not both.", "route"));
            return Route(requested, "route");
        }
        if (request.Provider is null && request.Model is null)
        {
            if (persona?.Route is { } personaRoute)
                return Route(personaRoute, "personaId");
            if (persona?.DefaultProvider is null && options.Value.DefaultRoute is { } defaultRoute)
                return Route(defaultRoute, "personaId");
        }
        var single = Single(request, persona);
        return single.Error is null ? ([single.Target!], null) : (null, single.Error);
    }

    private (IReadOnlyList<RouteTarget>? Targets, GenerationError? Error) Route(string name, string field)
    {
        if (!options.Value.Routes.TryGetValue(name, out var configured))
            return (null, new(GenerationErrorCodes.UnknownRoute, $"No route is named \"{name}\".", field));
        // Validated at start-up: every provider and model of a route exists.
        return ([.. configured.Select(t => providers.Find(t.Provider) is { } provider ? new RouteTarget(provider, t.Model ?? provider.DefaultModel) : null).OfType<RouteTarget>()], null);
    }

    private (RouteTarget? Target, GenerationError? Error) Single(GenerationRequest request, Persona? persona)
    {
        var providerName = request.Provider ?? persona?.DefaultProvider ?? providers.DefaultProvider;
        var provider = providers.Find(providerName);
        if (provider is null)
            return (null, new(GenerationErrorCodes.UnknownProvider, $"No provider is named \"{providerName}\".", request.Provider is null ? "personaId" : "provider"));
        // The persona's model belongs to the persona's provider; another provider starts from its own default.
        var personaModel = string.Equals(persona?.DefaultProvider, provider.Name, StringComparison.OrdinalIgnoreCase) ? persona?.DefaultModel : null;
        var model = request.Model ?? personaModel ?? provider.DefaultModel;
        if (!provider.Models.ContainsKey(model))
            return (null, new(GenerationErrorCodes.UnknownModel, $"Provider \"{provider.Name}\" has no model \"{model}\".", request.Model is null ? "personaId" : "model"));
        return (new RouteTarget(provider, model), null);
    }
}
