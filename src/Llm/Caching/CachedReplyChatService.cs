using System.Runtime.CompilerServices;
using System.Text;
using LlmPlatform.Data.Entities;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Caching;

/// <summary>
/// A cached reply dressed as a provider: it streams the text in word-sized pieces and ends with the finish reason and
/// the original usage, so the generation pipeline numbers, stores and accounts it like any reply, without calling anyone.
/// </summary>
public sealed class CachedReplyChatService(CachedReply reply) : IChatCompletionService
{
    public IReadOnlyDictionary<string, object?> Attributes { get; } = new Dictionary<string, object?>();

    /// <summary>The reply cut before each word that follows whitespace; the pieces join to exactly the text.</summary>
    public static IEnumerable<string> Pieces(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            if (!char.IsWhiteSpace(text[i]) && char.IsWhiteSpace(text[i - 1]))
            {
                yield return text[start..i];
                start = i;
            }
        }
        if (start < text.Length)
            yield return text[start..];
    }

    public async Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null,
        CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        await foreach (var chunk in GetStreamingChatMessageContentsAsync(chatHistory, executionSettings, kernel, cancellationToken))
            text.Append(chunk.Content);
        return [new ChatMessageContent(AuthorRole.Assistant, text.ToString())];
    }

    public async IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sent = 0;
        foreach (var piece in Pieces(reply.Text))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Nothing here waits: let other work use this thread now and then.
            if (++sent % 64 == 0)
                await Task.Yield();
            yield return new StreamingChatMessageContent(AuthorRole.Assistant, piece);
        }
        var metadata = new Dictionary<string, object?> { ["FinishReason"] = reply.FinishReason == FinishReason.Length ? "length" : "stop" };
        // Counted tokens are counted again the same way; only a provider's report is handed on as one.
        if (!reply.Estimated)
            metadata["Usage"] = new UsageDetails { InputTokenCount = reply.PromptTokens, OutputTokenCount = reply.CompletionTokens };
        yield return new StreamingChatMessageContent(AuthorRole.Assistant, null, metadata: metadata);
    }
}
