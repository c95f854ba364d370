using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Providers.Echo;

/// <summary>
/// A provider that needs no key and no network: it streams a reply made from the last user message, one word
/// per token, at a configured pace. The same prompt always gives the same reply, so tests can predict it.
/// </summary>
public sealed class EchoChatCompletionService(ProviderOptions options, TimeProvider clock) : IChatCompletionService
{
    public const string DefaultModel = "echo-1";

    public IReadOnlyDictionary<string, object?> Attributes { get; } = new Dictionary<string, object?>();

    /// <summary>The reply's tokens for a prompt: "Echo:" and then the prompt's words, repeated to the reply length.</summary>
    public static IEnumerable<string> ReplyTokens(string prompt, int count)
    {
        var words = prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            words = ["…"];
        yield return "Echo:";
        for (var i = 1; i < count; i++)
            yield return " " + words[(i - 1) % words.Length];
    }

    public async Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null,
        CancellationToken cancellationToken = default)
    {
        var reply = new StringBuilder();
        await foreach (var chunk in GetStreamingChatMessageContentsAsync(chatHistory, executionSettings, kernel, cancellationToken))
            reply.Append(chunk.Content);
        return [new ChatMessageContent(AuthorRole.Assistant, reply.ToString())];
    }

    public async IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chatHistory);
        var prompt = chatHistory.LastOrDefault(m => m.Role == AuthorRole.User)?.Content ?? "";
        var maxTokens = executionSettings?.ExtensionData?.TryGetValue("max_tokens", out var max) == true && max is int limit ? limit : int.MaxValue;
        var count = Math.Min(options.EchoReplyTokens, maxTokens);
        var sent = 0;
        foreach (var token in ReplyTokens(prompt, count))
        {
            if (options.EchoTokenDelay > TimeSpan.Zero)
                await Task.Delay(options.EchoTokenDelay, clock, cancellationToken);
            else if (sent % 64 == 63)
                // With no delay nothing here ever waits: let other work use this thread now and then.
                await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            sent++;
            yield return new StreamingChatMessageContent(AuthorRole.Assistant, token);
        }
        var finish = sent < options.EchoReplyTokens ? "length" : "stop";
        yield return new StreamingChatMessageContent(AuthorRole.Assistant, null, metadata: new Dictionary<string, object?> { ["FinishReason"] = finish });
    }
}
