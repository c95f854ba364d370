using System.Diagnostics;

namespace LlmPlatform.Graph.Telemetry;

/// <summary>The source of the GraphQL operations' spans (<see cref="Name"/>).</summary>
public static class GraphActivitySource
{
    public const string Name = "LlmPlatform.Graph";

    public static ActivitySource Instance { get; } = new(Name);
}
