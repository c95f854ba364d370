using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Telemetry;

/// <summary>
/// A generation's messages as the OpenTelemetry GenAI conventions record them on a span: JSON arrays of
/// <c>{ role, parts: [{ type: "text", content }] }</c> (output messages with their <c>finish_reason</c>), the system
/// prompt apart as <c>gen_ai.system_instructions</c>. Text beyond a budget of characters per attribute is cut off.
/// </summary>
internal static class CapturedContent
{
    public const string SystemInstructions = "gen_ai.system_instructions";
    public const string InputMessages = "gen_ai.input.messages";
    public const string OutputMessages = "gen_ai.output.messages";

    /// <summary>The system prompt's parts, or null when there is none.</summary>
    public static string? SystemInstructionsOf(ChatHistory history, int maxLength)
    {
        var system = history.Where(m => m.Role == AuthorRole.System).ToList();
        if (system.Count == 0)
            return null;
        var budget = maxLength;
        return Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var message in system)
                WriteTextPart(writer, message.Content, ref budget);
            writer.WriteEndArray();
        });
    }

    /// <summary>The messages sent to the provider, the system prompt excepted.</summary>
    public static string InputMessagesOf(ChatHistory history, int maxLength)
    {
        var budget = maxLength;
        return Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var message in history.Where(m => m.Role != AuthorRole.System))
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role.Label);
                writer.WriteStartArray("parts");
                WriteTextPart(writer, message.Content, ref budget);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        });
    }

    /// <summary>The reply, one assistant message.</summary>
    public static string OutputMessagesOf(string reply, string finishReason, int maxLength)
    {
        var budget = maxLength;
        return Write(writer =>
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("role", AuthorRole.Assistant.Label);
            writer.WriteStartArray("parts");
            WriteTextPart(writer, reply, ref budget);
            writer.WriteEndArray();
            writer.WriteString("finish_reason", finishReason);
            writer.WriteEndObject();
            writer.WriteEndArray();
        });
    }

    private static void WriteTextPart(Utf8JsonWriter writer, string? text, ref int budget)
    {
        var content = text ?? "";
        if (content.Length > budget)
            content = content[..budget];
        budget -= content.Length;
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("content", content);
        writer.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
            write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
