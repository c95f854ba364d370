using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Llm.Generation;

namespace LlmPlatform.Graph.Personas;

/// <summary>What a persona's fields may hold; every create and update checks all of it before writing.</summary>
public static class PersonaRules
{

    public static void CheckName(string? name, List<UserError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(name))
            errors.Add(UserError.Required("name"));
        else if (name.Length > Persona.NameMaxLength)
            errors.Add(UserError.TooLong("name", Persona.NameMaxLength));
    }

    public static void CheckSystemPrompt(string? systemPrompt, int maxLength, List<UserError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(systemPrompt))
            errors.Add(UserError.Required("systemPrompt"));
        else if (systemPrompt.Length > maxLength)
            errors.Add(UserError.TooLong("systemPrompt", maxLength));
    }

    public static void CheckOptionalText(string field, string? value, int maxLength, List<UserError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is not null && value.Length > maxLength)
            errors.Add(UserError.TooLong(field, maxLength));
    }

    /// <summary>A persona's route must be one configured under <c>Llm:Routes</c> (or null: none).</summary>
    public static void CheckRoute(string? route, IReadOnlyDictionary<string, List<Llm.Providers.Routing.RouteTargetOptions>> routes, List<UserError> errors)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(errors);
        if (route is not null && !routes.ContainsKey(route))
            errors.Add(new UserError($"No route is named \"{route}\".", GenerationErrorCodes.UnknownRoute, ["input", "route"]));
    }

    public static void CheckTemperature(double? temperature, List<UserError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (temperature is { } t && !SamplingDefaults.IsTemperature(t))
            errors.Add(UserError.OutOfRange("temperature", $"between {SamplingDefaults.MinTemperature} and {SamplingDefaults.MaxTemperature}"));
    }

    /// <summary>A persona may ask for no more than a generation request may (<see cref="GenerationOptions.MaxTokensLimit"/>).</summary>
    public static void CheckMaxTokens(int? maxTokens, int limit, List<UserError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (maxTokens is { } m && (m < 1 || m > limit))
            errors.Add(UserError.OutOfRange("maxTokens", $"between 1 and {limit}"));
    }
}
