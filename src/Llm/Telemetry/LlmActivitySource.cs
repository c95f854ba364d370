using System.Diagnostics;

namespace LlmPlatform.Llm.Telemetry;

/// <summary>The source of the generation pipeline's spans (<see cref="Name"/>); spans cost nothing while no listener samples them.</summary>
public static class LlmActivitySource
{
    public const string Name = "LlmPlatform.Llm";

    public static ActivitySource Instance { get; } = new(Name);
}
