using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using OllamaSharp.Models.Chat;
using OpenAI.Chat;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// Reads token usage and finish reasons from what the connectors put on streamed chunks. What they put there
/// (Semantic Kernel 1.82, checked against the stubs in tests/Llm/Stubs):
/// <list type="bullet">
/// <item>OpenAI and Azure OpenAI: every chunk's <c>InnerContent</c> is the SDK's <see cref="StreamingChatCompletionUpdate"/>
/// and its metadata has <c>FinishReason</c> (<c>"Stop"</c>, <c>"Length"</c>… on the last choice chunk, else null) and
/// <c>Usage</c> (a <see cref="ChatTokenUsage"/> on the extra chunk with no choices the API sends last when the request
/// has <c>stream_options.include_usage</c>, which the OpenAI client always sets for streaming).</item>
/// <item>Ollama (OllamaSharp's IChatClient behind SK's adapter): the last chunk's <c>InnerContent</c> is OllamaSharp's
/// <see cref="ChatDoneResponseStream"/> (<c>done_reason</c>, <c>prompt_eval_count</c>, <c>eval_count</c>) and its
/// metadata has <c>Usage</c> as a <see cref="UsageContent"/>. The adapter drops the update's finish reason.</item>
/// </list>
/// </summary>
internal static class UsageReader
{
    /// <summary>Prompt and completion tokens when the chunk carries the provider's usage report.</summary>
    /// <remarks>
    /// A report with no prompt tokens is no report: Ollama leaves its counts out when it has none (and when the whole
    /// prompt came from its cache), and OllamaSharp turns "absent" into 0. Every prompt has tokens, so counting
    /// ourselves (and saying so) is closer to the truth than storing a zero.
    /// </remarks>
    public static (int Prompt, int Completion)? Read(StreamingChatMessageContent chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var usage = chunk.Metadata?.GetValueOrDefault("Usage")
            ?? (object?)(chunk.InnerContent as StreamingChatCompletionUpdate)?.Usage
            ?? (chunk.InnerContent as ChatResponseUpdate)?.Contents.OfType<UsageContent>().FirstOrDefault();
        var (prompt, completion) = usage switch
        {
            ChatTokenUsage openAi => ((long)openAi.InputTokenCount, (long?)openAi.OutputTokenCount),
            UsageContent { Details: var details } => (details.InputTokenCount ?? 0, details.OutputTokenCount),
            UsageDetails details => (details.InputTokenCount ?? 0, details.OutputTokenCount),
            _ => (0L, null),
        };
        return prompt > 0 && completion is { } output ? ((int)prompt, (int)output) : null;
    }

    /// <summary>True when the provider says it stopped at the token limit, false when it says it stopped otherwise, null when the chunk says neither.</summary>
    public static bool? IsLengthLimited(StreamingChatMessageContent chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var reason = chunk.Metadata?.GetValueOrDefault("FinishReason")?.ToString()
            ?? (chunk.InnerContent as StreamingChatCompletionUpdate)?.FinishReason?.ToString()
            ?? (chunk.InnerContent as ChatDoneResponseStream)?.DoneReason
            ?? (chunk.InnerContent as ChatResponseUpdate)?.FinishReason?.Value;
        // OpenAI says "length" (the SDK's enum prints "Length"), Ollama "length"; both say "stop" otherwise.
        return string.IsNullOrEmpty(reason) ? null : string.Equals(reason, "length", StringComparison.OrdinalIgnoreCase);
    }
}
