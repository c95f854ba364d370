using System.Text.Json.Serialization;

namespace LlmPlatform.Llm.Generation.Redis;

/// <summary>The events as they are stored in Redis; source-generated, so no reflection per event.</summary>
[JsonSourceGenerationOptions(IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(GenerationStarted))]
[JsonSerializable(typeof(GenerationCompleted))]
[JsonSerializable(typeof(GenerationFailed))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class GenerationEventJson : JsonSerializerContext;
