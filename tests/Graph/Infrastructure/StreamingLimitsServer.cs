using System.Globalization;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>A streaming server with every limit small, to see each one hold on the streaming transports.</summary>
public sealed class StreamingLimitsServer : StreamingServer
{
    public const int MaxDepth = 3;
    public const int MaxComplexity = 50;
    public const int MaxAliases = 2;
    public const int MaxRequestBodySize = 4096;
    public const int MaxWebSocketMessageSize = 4096;
    public const int MaxOperationsPerConnection = 2;

    public StreamingLimitsServer()
    {
        Set("GraphQL:MaxDepth", MaxDepth.ToString(CultureInfo.InvariantCulture));
        Set("GraphQL:MaxComplexity", MaxComplexity.ToString(CultureInfo.InvariantCulture));
        Set("GraphQL:MaxAliases", MaxAliases.ToString(CultureInfo.InvariantCulture));
        Set("Transport:MaxRequestBodySize", MaxRequestBodySize.ToString(CultureInfo.InvariantCulture));
        Set("Transport:MaxWebSocketMessageSize", MaxWebSocketMessageSize.ToString(CultureInfo.InvariantCulture));
        Set("Transport:MaxOperationsPerConnection", MaxOperationsPerConnection.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Operations over the limits, each with the error code and a word of the message it is refused with.</summary>
    public static TheoryData<string, string, string> OverTheLimits => new()
    {
        // generate > GenerationStarted.conversation > persona > name: 4 levels, and it would start a generation.
        { """subscription { generate(input: { prompt: "too deep", maxTokens: 1 }) { ... on GenerationStarted { conversation { persona { name } } } } }""", "COMPLEXITY", "depth" },
        // 100 nodes of one field each: about 100 against a limit of 50.
        { "{ personas(first: 100) { nodes { name } } }", "COMPLEXITY", "complex" },
        { """subscription { generate(input: { prompt: "aliases", maxTokens: 1 }) { a: __typename b: __typename c: __typename } }""", "MAX_ALIASES", "aliases" },
    };
}
