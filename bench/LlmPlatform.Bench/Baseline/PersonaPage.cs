using System.Buffers.Text;
using System.Text;
using System.Text.Json.Serialization;

namespace LlmPlatform.Bench.Baseline;

/// <summary>The GraphQL response's shape, <c>{"data":{"personas":{"nodes":[{"id","name","description"}]}}}</c>.</summary>
public sealed record PersonasResponse([property: JsonPropertyName("data")] PersonasData Data);

public sealed record PersonasData([property: JsonPropertyName("personas")] PersonaConnection Personas);

public sealed record PersonaConnection([property: JsonPropertyName("nodes")] IReadOnlyList<PersonaNode> Nodes);

public sealed record PersonaNode(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description)
{
    /// <summary>
    /// The Relay global id src/Graph issues (<c>GlobalId.Encode("Persona", id)</c>), copied so that the baseline
    /// does not load the GraphQL assembly: base64url of <c>"Persona:" + id.ToString("N")</c>.
    /// </summary>
    public static string GlobalId(Guid id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"Persona:{id:N}"));
}

[JsonSerializable(typeof(PersonasResponse))]
internal sealed partial class BaselineJsonContext : JsonSerializerContext;
