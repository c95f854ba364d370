using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Personas;

/// <summary>What a persona's fields may hold; every create and update checks all of it before writing.</summary>
public static class PersonaRules
{
    public const double MinTemperature = 0;
    public const double MaxTemperature = 2;
    public const int MaxTokensLimit = 1_000_000;

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

    public static void CheckTemperature(double? temperature, List<UserError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (temperature is { } t && (double.IsNaN(t) || t < MinTemperature || t > MaxTemperature))
            errors.Add(UserError.OutOfRange("temperature", $"between {MinTemperature} and {MaxTemperature}"));
    }

    public static void CheckMaxTokens(int? maxTokens, List<UserError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (maxTokens is { } m && (m < 1 || m > MaxTokensLimit))
            errors.Add(UserError.OutOfRange("maxTokens", $"between 1 and {MaxTokensLimit}"));
    }
}
