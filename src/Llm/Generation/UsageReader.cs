using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace LlmPlatform.Llm.Generation;

/// <summary>Reads token usage and finish reasons from what the connectors put on streamed chunks.</summary>
internal static class UsageReader
{
    /// <summary>Prompt and completion tokens when the chunk carries the provider's usage report.</summary>
    public static (int Prompt, int Completion)? Read(StreamingChatMessageContent chunk)
    {
        // OpenAI and Azure OpenAI (asked for with stream options): the final chunk's "Usage".
        if (chunk.Metadata?.TryGetValue("Usage", out var usage) == true && usage is OpenAI.Chat.ChatTokenUsage openAi)
            return (openAi.InputTokenCount, openAi.OutputTokenCount);
        // Connectors built on Microsoft.Extensions.AI (Ollama): usage content in the update.
        if (chunk.InnerContent is ChatResponseUpdate update)
        {
            foreach (var content in update.Contents)
            {
                if (content is UsageContent { Details: var details } && details.InputTokenCount is { } input && details.OutputTokenCount is { } output)
                    return ((int)input, (int)output);
            }
        }
        return null;
    }

    /// <summary>True when the provider says it stopped at the token limit.</summary>
    public static bool? IsLengthLimited(StreamingChatMessageContent chunk)
    {
        var reason = chunk.Metadata?.TryGetValue("FinishReason", out var value) == true ? value?.ToString()
            : (chunk.InnerContent as ChatResponseUpdate)?.FinishReason?.Value;
        return reason is null ? null : reason.Contains("length", StringComparison.OrdinalIgnoreCase);
    }
}
