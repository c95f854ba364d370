using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Keys;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Providers.Routing;

/// <summary>
/// One target made ready for a request: the service to call (the user's key or the server's), the history fitted to
/// its model's context window, and its execution settings. <see cref="SkipReason"/> when it cannot be called now
/// (open circuit, no key, cooling down): the route moves past it without calling it. <see cref="Deployment"/> names the
/// deployment it calls when its provider has several.
/// </summary>
public sealed record PreparedTarget(
    RouteTarget Target, ModelOptions Options, ChatServiceChoice Chat, ChatHistory History, int PromptTokens, int MaxTokens,
    PromptExecutionSettings Settings, string? SkipReason, GenerationError? Unavailable, string? Deployment = null)
{
    public string Provider => Target.Provider.Name;

    public string Model => Target.Model;

    public bool Callable => SkipReason is null;
}

/// <summary>What every target of a request is prepared for: the request with the persona's settings filled in.</summary>
public sealed record TargetNeeds(
    string SystemPrompt, IReadOnlyList<Data.Entities.Message> Earlier, string Prompt, int? MaxTokens, double Temperature, double? TopP, ResponseFormat Format);
