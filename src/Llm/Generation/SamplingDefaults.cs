namespace LlmPlatform.Llm.Generation;

/// <summary>The sampling settings' ranges and defaults, for personas and generation requests alike.</summary>
public static class SamplingDefaults
{
    public const double MinTemperature = 0;
    public const double MaxTemperature = 2;
    public const double Temperature = 0.7;

    public static bool IsTemperature(double value) => !double.IsNaN(value) && value >= MinTemperature && value <= MaxTemperature;
}
