namespace LlmPlatform.Graph.Tests.Telemetry;

/// <summary>Test classes that scrape their own server's <c>/metrics</c> and must not run at the same time.</summary>
[CollectionDefinition(Collection)]
public sealed class TelemetryScrapes
{
    public const string Collection = "Telemetry scrapes";
}
