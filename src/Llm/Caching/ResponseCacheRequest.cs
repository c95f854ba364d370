using LlmPlatform.Llm.Generation;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Caching;

/// <summary>
/// Everything that decides a deterministic reply, and whether the caller wants the cache at all.
/// <paramref name="KeyOwner"/> is the user whose own provider key answers (null for the server's key): their
/// entries are theirs alone.
/// </summary>
public sealed record ResponseCacheRequest(
    string Provider, string Model, Guid? KeyOwner, ChatHistory History, double Temperature, int MaxTokens, double? TopP,
    ResponseFormat Format, bool Wanted);
