using LlmPlatform.Llm.Chat;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Providers.Balancing;
using LlmPlatform.Llm.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace LlmPlatform.Llm.Providers.Routing;

/// <summary>
/// Prepares a generation's targets before anything is charged or stored: a target that cannot take the request (the
/// token limit, the response format, the context window) is left out; one that cannot be called now (an open circuit,
/// no key) stays in as skipped. With no target to call, the request is refused, with the first target's reason.
/// </summary>
public sealed class TargetChainBuilder(
    UserChatServices chatServices, ChatHistoryBuilder histories, LlmMetrics metrics, TimeProvider clock,
    IOptions<LlmOptions> options, ILogger<TargetChain> logger, DeploymentTargets deployments)
{
    public async Task<TargetPlan> BuildAsync(IReadOnlyList<RouteTarget> targets, TargetNeeds needs, Guid userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(needs);
        var prepared = new List<PreparedTarget>();
        GenerationError? firstProblem = null;
        foreach (var target in targets)
        {
            // The user's own key for the provider when they set one, else the server's.
            var chat = await chatServices.ChooseAsync(target.Provider, target.Model, userId, cancellationToken);
            // A provider with several deployments is as many targets (server-key calls only: a user's own key calls the provider).
            var balanced = chat is { Service: null, Problem: ChatServiceProblem.None } && target.Provider.Deployments.Count > 0;
            var (unavailable, skip) = balanced ? (null, null) : Availability(target.Provider, chat);
            var (ready, unsuitable) = Prepare(target, needs, chat, unavailable, skip);
            var expanded = balanced && ready is not null ? await deployments.ExpandAsync(ready, Availability, cancellationToken) : null;
            // As for a single provider: that it cannot be called is said before what it cannot take.
            firstProblem ??= (expanded is null ? unavailable : expanded.All(t => !t.Callable) ? expanded[0].Unavailable : null) ?? unsuitable;
            if (ready is not null)
                prepared.AddRange(expanded ?? [ready]);
        }
        var chain = new TargetChain(prepared, metrics, logger, options.Value.Routing.FirstTokenTimeout, deployments.Balancer);
        if (prepared.Any(t => t.Callable))
            return new TargetPlan(chain, null);
        return new TargetPlan(chain, firstProblem is { Code: GenerationErrorCodes.ProviderUnavailable, RetryAfter: not null }
            ? firstProblem with { RetryAfter = prepared.Min(t => t.Unavailable?.RetryAfter) }
            : firstProblem);
    }

    internal (GenerationError? Unavailable, string? SkipReason) Availability(ChatProvider provider, ChatServiceChoice chat)
    {
        if (chat.Service is null)
        {
            return chat.Problem switch
            {
                ChatServiceProblem.NoKey => (new(GenerationErrorCodes.ProviderUnavailable, $"Provider \"{provider.Name}\" has no server-wide key; it can be used with a key of your own.", "provider"), "no_key"),
                ChatServiceProblem.UserKeyUnreadable => (new(GenerationErrorCodes.ProviderKeyUnreadable, $"Your key for provider \"{provider.Name}\" can no longer be read; set it again.", "provider"), "key_unreadable"),
                _ => (new(GenerationErrorCodes.ProviderUnavailable, $"Provider \"{provider.Name}\" has no key or endpoint configured.", "provider"), "not_configured"),
            };
        }
        // An open circuit would refuse the call without sending it: skip it, and say when it will be tried again.
        if (chat.Breaker?.OpenedUntil is { } pausedUntil)
        {
            var wait = pausedUntil - clock.GetUtcNow();
            return (new(GenerationErrorCodes.ProviderUnavailable, $"Provider \"{provider.Name}\" has been failing; calls to it are paused for a moment.", "provider",
                wait > TimeSpan.Zero ? wait : TimeSpan.Zero), "circuit_open");
        }
        return (null, null);
    }

    private (PreparedTarget? Ready, GenerationError? Unsuitable) Prepare(
        RouteTarget target, TargetNeeds needs, ChatServiceChoice chat, GenerationError? unavailable, string? skip)
    {
        var (provider, model) = target;
        var modelOptions = provider.Models[model];
        var maxTokens = needs.MaxTokens ?? modelOptions.MaxOutputTokens;
        if (maxTokens > modelOptions.MaxOutputTokens)
            return (null, new(GenerationErrorCodes.OutOfRange, $"MaxTokens must be at most {modelOptions.MaxOutputTokens} for {model}.", "maxTokens"));
        if (!ResponseFormatSupport.Supported(provider.Kind, modelOptions).Contains(needs.Format.Kind))
            return (null, new(GenerationErrorCodes.ResponseFormatUnsupported, $"{provider.Name}/{model} cannot answer in the {needs.Format.Kind} format.", "responseFormat"));
        if (histories.Build(needs.SystemPrompt, needs.Earlier, needs.Prompt, modelOptions.ContextWindow, maxTokens) is not { } history)
            return (null, new(GenerationErrorCodes.TooLong, $"The prompt does not fit the context window of {model}.", "prompt"));

        var settings = new PromptExecutionSettings
        {
            ExtensionData = new Dictionary<string, object>
            {
                ["temperature"] = needs.Temperature,
                ["max_tokens"] = maxTokens,
            },
        };
        if (needs.TopP is { } topP)
            settings.ExtensionData["top_p"] = topP;
        return (new PreparedTarget(target, modelOptions, chat, history.History, history.PromptTokens, maxTokens,
            ResponseFormatSupport.Apply(settings, needs.Format), skip, unavailable), null);
    }
}

/// <summary>A request's prepared targets, and why it is refused when none can be called.</summary>
public sealed record TargetPlan(TargetChain Chain, GenerationError? Refusal)
{
    public PreparedTarget? Primary => Chain.Primary;
}
