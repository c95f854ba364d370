using System.Text.Json;
using System.Text.RegularExpressions;
using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Providers;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI.Chat;

namespace LlmPlatform.Llm.Generation;

/// <summary>Which providers can carry which response formats, whether a request's format is well formed, and how it reaches the connector.</summary>
public static partial class ResponseFormatSupport
{
    private static readonly ResponseFormatKind[] All = [ResponseFormatKind.Text, ResponseFormatKind.JsonObject, ResponseFormatKind.JsonSchema];
    private static readonly ResponseFormatKind[] TextOnly = [ResponseFormatKind.Text];

    /// <summary>
    /// What a kind's connector can send: the OpenAI kinds send <c>response_format</c> as OpenAI defines it. Echo writes
    /// words, never JSON, so it takes text only rather than pretend; Ollama's path through Semantic Kernel's chat-client
    /// adapter is not known to carry a format, so it takes text only until that is shown.
    /// </summary>
    public static IReadOnlyList<ResponseFormatKind> Carried(ProviderKind kind) =>
        kind is ProviderKind.OpenAI or ProviderKind.AzureOpenAI or ProviderKind.OpenAICompatible ? All : TextOnly;

    /// <summary>The formats a model takes: its configured <see cref="ModelOptions.ResponseFormats"/>, else all its kind carries.</summary>
    public static IReadOnlyCollection<ResponseFormatKind> Supported(ProviderKind kind, ModelOptions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ResponseFormats is { Count: > 0 } configured ? configured : Carried(kind);
    }

    /// <summary>Problems with the format itself (the field is <c>responseFormat</c>), whatever the provider.</summary>
    public static IEnumerable<GenerationError> Check(ResponseFormat format, int maxSchemaLength)
    {
        ArgumentNullException.ThrowIfNull(format);
        const string field = "responseFormat";
        if (format.Kind != ResponseFormatKind.JsonSchema)
        {
            if (format.Schema is not null || format.SchemaName is not null)
                yield return new(GenerationErrorCodes.InvalidResponseFormat, "A JSON schema goes only with the JSON_SCHEMA type.", field);
            yield break;
        }
        if (format.SchemaName is null || !SchemaName().IsMatch(format.SchemaName))
            yield return new(GenerationErrorCodes.InvalidResponseFormat, "The JSON schema needs a name of 1 to 64 letters, digits, '_' or '-'.", field);
        if (string.IsNullOrWhiteSpace(format.Schema))
            yield return new(GenerationErrorCodes.InvalidResponseFormat, "JSON_SCHEMA needs a schema.", field);
        else if (format.Schema.Length > maxSchemaLength)
            yield return new(GenerationErrorCodes.TooLong, $"The JSON schema must be at most {maxSchemaLength} characters.", field);
        else if (!IsJsonObject(format.Schema))
            yield return new(GenerationErrorCodes.InvalidResponseFormat, "The JSON schema must be a JSON object.", field);
    }

    /// <summary>The settings to send: unchanged for text, else the OpenAI connectors' settings with the format set.</summary>
    public static PromptExecutionSettings Apply(PromptExecutionSettings settings, ResponseFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.Kind == ResponseFormatKind.Text)
            return settings;
        var openAI = OpenAIPromptExecutionSettings.FromExecutionSettings(settings);
        openAI.ResponseFormat = format.Kind == ResponseFormatKind.JsonObject
            ? ChatResponseFormat.CreateJsonObjectFormat()
            : ChatResponseFormat.CreateJsonSchemaFormat(format.SchemaName!, BinaryData.FromString(format.Schema!), jsonSchemaIsStrict: format.Strict);
        return openAI;
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // OpenAI's rule for json_schema.name.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SchemaName();
}
