using LlmPlatform.Data.Entities;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Chat;

/// <summary>
/// What a provider is sent: the persona's system prompt, the conversation so far and the new prompt, with the
/// oldest turns dropped until it fits the model's context window with room left for the reply.
/// </summary>
public sealed class ChatHistoryBuilder(TokenCounter tokens)
{
    /// <summary>The history, its estimated prompt tokens, or null when even the system prompt and prompt do not fit.</summary>
    public (ChatHistory History, int PromptTokens)? Build(
        string systemPrompt, IReadOnlyList<Message> earlier, string prompt, int contextWindow, int replyTokens)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var budget = contextWindow - replyTokens;
        var required = Cost(systemPrompt) + Cost(prompt);
        if (required > budget)
            return null;

        // Walk back from the newest turn and keep what still fits; the oldest turns go first.
        var kept = new List<Message>();
        var used = required;
        for (var i = earlier.Count - 1; i >= 0; i--)
        {
            var cost = earlier[i].TokenCount is { } known ? known + TokenCounter.PerMessageOverhead : Cost(earlier[i].Content);
            if (used + cost > budget)
                break;
            used += cost;
            kept.Add(earlier[i]);
        }
        kept.Reverse();

        var history = new ChatHistory();
        if (!string.IsNullOrWhiteSpace(systemPrompt))
            history.AddSystemMessage(systemPrompt);
        foreach (var message in kept)
        {
            if (message.Role == MessageRole.Assistant)
                history.AddAssistantMessage(message.Content);
            else if (message.Role == MessageRole.User)
                history.AddUserMessage(message.Content);
        }
        history.AddUserMessage(prompt);
        return (history, used);
    }

    private int Cost(string text) => tokens.Count(text) + TokenCounter.PerMessageOverhead;
}
