using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OllamaSharp.Models.Chat;
using OpenAI.Chat;

namespace LlmPlatform.Llm.Providers.Routing;

/// <summary>
/// A provider's streamed reply, passed on chunk by chunk, that does not pass for complete unless the provider said so.
/// A stream ending without a finish reason (OpenAI's <c>finish_reason</c>, Ollama's <c>done</c>) throws
/// <see cref="ProviderReplyException"/> with <see cref="GenerationErrorCodes.ProviderTruncated"/>; an in-band
/// <c>{"error": …}</c> chunk (vLLM, LiteLLM, OpenRouter after a 200) throws it with
/// <see cref="GenerationErrorCodes.ProviderError"/>.
/// </summary>
/// <remarks>
/// What the connectors do with those (Semantic Kernel 1.82, OpenAI 2.x, OllamaSharp 5.5, checked against the stubs):
/// the OpenAI SDK reads an error chunk as an update with no choices and passes it on; only its serialised form still
/// has the <c>error</c> property, so an update with nothing else in it is serialised and looked at (no other chunk
/// pays for that). OllamaSharp reads Ollama's error line as a chunk with no message and <c>done: false</c>, keeping
/// nothing of the error, so an Ollama reply that dies that way ends as truncated (it never says <c>done</c>).
/// </remarks>
public static class CheckedReply
{
    public static async IAsyncEnumerable<StreamingChatMessageContent> StreamAsync(
        IChatCompletionService service, ChatHistory history, PromptExecutionSettings settings,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var finished = false;
        await foreach (var chunk in service.GetStreamingChatMessageContentsAsync(history, settings, kernel: null, cancellationToken))
        {
            if (IsInBandError(chunk))
                throw new ProviderReplyException(GenerationErrorCodes.ProviderError, "The provider reported an error in the middle of its reply.");
            finished |= HasFinishReason(chunk);
            yield return chunk;
        }
        if (!finished && !cancellationToken.IsCancellationRequested)
            throw new ProviderReplyException(GenerationErrorCodes.ProviderTruncated, "The provider's reply ended before the provider said it was finished.");
    }

    private static bool HasFinishReason(StreamingChatMessageContent chunk) =>
        chunk.Metadata?.GetValueOrDefault("FinishReason") is not null
        || chunk.InnerContent is StreamingChatCompletionUpdate { FinishReason: not null }
        || chunk.InnerContent is ChatDoneResponseStream { Done: true }
        || chunk.InnerContent is ChatResponseUpdate { FinishReason: not null }
        || (chunk.InnerContent as ChatResponseUpdate)?.RawRepresentation is ChatResponseStream { Done: true };

    private static bool IsInBandError(StreamingChatMessageContent chunk)
    {
        if (chunk.InnerContent is not StreamingChatCompletionUpdate update
            || update.ContentUpdate.Count > 0 || update.FinishReason is not null || update.Usage is not null || update.ToolCallUpdates.Count > 0)
            return false;
        using var json = JsonDocument.Parse(ModelReaderWriter.Write(update, ModelReaderWriterOptions.Json));
        return json.RootElement.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null;
    }
}
