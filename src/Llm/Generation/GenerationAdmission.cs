using System.Diagnostics;
using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Budgets;
using LlmPlatform.Llm.Caching;
using LlmPlatform.Llm.Chat;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Limits;
using LlmPlatform.Llm.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// Admits generations: checks the request, chooses the provider, builds the history, charges the rate limit, and
/// stores the prompt and the generation's row before handing it to the <see cref="GenerationRunner"/>. A refused
/// request writes nothing.
/// </summary>
public sealed class GenerationAdmission(
    IDbContextFactory<PlatformDbContext> contexts,
    ProviderRegistry providers,
    UserChatServices chatServices,
    GenerationRunner runner,
    GenerationInstance instance,
    ChatHistoryBuilder histories,
    TokenCounter tokens,
    IGenerationRateLimiter limiter,
    IGenerationBudget budget,
    ResponseCache responseCache,
    TimeProvider clock,
    IOptions<GenerationOptions> options,
    AdmissionWriter writer)
{
    private const int TitleLength = 60;

    public async Task<GenerationStart> StartAsync(GenerationRequest request, Guid userId, string rateLimitKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var receivedAt = request.ReceivedAt ?? Stopwatch.GetTimestamp();
        var limits = options.Value;
        var errors = new List<GenerationError>();
        if (string.IsNullOrWhiteSpace(request.Prompt))
            errors.Add(new(GenerationErrorCodes.Required, "Prompt is required.", "prompt"));
        else if (request.Prompt.Length > limits.MaxPromptLength)
            errors.Add(new(GenerationErrorCodes.TooLong, $"Prompt must be at most {limits.MaxPromptLength} characters.", "prompt"));
        if (request.Temperature is { } t && !SamplingDefaults.IsTemperature(t))
            errors.Add(new(GenerationErrorCodes.OutOfRange, $"Temperature must be between {SamplingDefaults.MinTemperature} and {SamplingDefaults.MaxTemperature}.", "temperature"));
        if (request.MaxTokens is { } m && (m < 1 || m > limits.MaxTokensLimit))
            errors.Add(new(GenerationErrorCodes.OutOfRange, $"MaxTokens must be between 1 and {limits.MaxTokensLimit}.", "maxTokens"));
        if (request.TopP is { } p && (double.IsNaN(p) || p <= 0 || p > 1))
            errors.Add(new(GenerationErrorCodes.OutOfRange, "TopP must be more than 0 and at most 1.", "topP"));
        var format = request.ResponseFormat ?? ResponseFormat.Text;
        errors.AddRange(ResponseFormatSupport.Check(format, limits.MaxResponseSchemaLength));

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        Conversation? conversation = null;
        if (request.ConversationId is { } conversationId)
        {
            conversation = await db.Conversations.VisibleTo(new Viewer(userId, IsAdmin: false)).FirstOrDefaultAsync(c => c.Id == conversationId, cancellationToken);
            if (conversation is null)
                errors.Add(new(GenerationErrorCodes.NotFound, "No conversation has this id.", "conversationId"));
            // The prompt and the reply are both stored: there must be room for two more.
            else if (await db.Messages.CountAsync(m => m.ConversationId == conversationId, cancellationToken) + 2 > limits.MaxMessagesPerConversation)
                errors.Add(new(GenerationErrorCodes.ConversationFull, $"The conversation holds the most messages allowed ({limits.MaxMessagesPerConversation}); continue in a new one.", "conversationId"));
        }
        var personaId = request.PersonaId ?? conversation?.PersonaId ?? BuiltInPersonas.HelpfulAssistantId;
        var persona = await db.Personas.AsNoTracking().VisibleTo(new Viewer(userId, IsAdmin: false)).FirstOrDefaultAsync(p => p.Id == personaId, cancellationToken);
        if (persona is null && request.PersonaId is not null)
            errors.Add(new(GenerationErrorCodes.NotFound, "No persona has this id.", "personaId"));

        var (provider, model, choiceError) = Choose(request, persona);
        if (choiceError is not null)
            errors.Add(choiceError);
        if (errors.Count > 0)
            return new GenerationStart(null, errors);
        // The user's own key for the provider when they set one, else the server's.
        var chat = await chatServices.ChooseAsync(provider!, model!, userId, cancellationToken);
        if (chat.Service is null)
            return GenerationStart.Refused(Unavailable(provider!, chat.Problem));
        // An open circuit would refuse the call without sending it: refuse here instead, before the rate limit is
        // charged and anything is stored, and say when the provider will be tried again.
        if (chat.Breaker?.OpenedUntil is { } pausedUntil)
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.ProviderUnavailable,
                $"Provider \"{provider!.Name}\" has been failing; calls to it are paused for a moment.", "provider", Max(pausedUntil - clock.GetUtcNow(), TimeSpan.Zero)));

        var modelOptions = provider!.Models[model!];
        var maxTokens = request.MaxTokens ?? persona?.MaxTokens ?? modelOptions.MaxOutputTokens;
        if (maxTokens > modelOptions.MaxOutputTokens)
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.OutOfRange, $"MaxTokens must be at most {modelOptions.MaxOutputTokens} for {model}.", "maxTokens"));
        if (!ResponseFormatSupport.Supported(provider.Kind, modelOptions).Contains(format.Kind))
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.ResponseFormatUnsupported, $"{provider.Name}/{model} cannot answer in the {format.Kind} format.", "responseFormat"));

        var earlier = conversation is null ? [] : await db.Messages.AsNoTracking()
            .Where(x => x.ConversationId == conversation.Id && x.Role != MessageRole.System)
            .OrderByDescending(x => x.Id).Take(limits.MaxHistoryMessages)
            .ToListAsync(cancellationToken);
        earlier.Reverse();
        var built = histories.Build(persona?.SystemPrompt ?? "", earlier, request.Prompt, modelOptions.ContextWindow, maxTokens);
        if (built is not { } history)
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.TooLong, $"The prompt does not fit the context window of {model}.", "prompt"));

        if (await budget.CheckAsync(userId, cancellationToken) is { } spent)
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.BudgetExceeded, spent.Message, null, spent.RetryAfter, spent.ResetsAt));
        // Counted only once the request is known to be good, so that bad input costs no quota.
        if (await limiter.TryAcquireAsync(rateLimitKey, cancellationToken) is { } refusal)
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.RateLimited, refusal.Message, null, refusal.RetryAfter));
        // After the rate limit: a cache hit is still a request of the caller's (its tokens are not: no provider spent them).
        var temperature = request.Temperature ?? persona?.Temperature ?? SamplingDefaults.Temperature;
        var cached = await responseCache.LookUpAsync(new ResponseCacheRequest(provider.Name, model!, chat.UsesUserKey ? userId : null,
            history.History, temperature, maxTokens, request.TopP, format, request.Cache ?? persona?.CacheResponses ?? false), cancellationToken);

        // Accepted: from here on everything is stored, whatever happens to the provider call or this instance.
        var now = clock.GetUtcNow().UtcDateTime;
        var generationId = Guid.CreateVersion7();
        var newConversation = conversation is null ? new Conversation
        {
            Id = Guid.CreateVersion7(),
            Title = Title(request.Prompt),
            PersonaId = persona?.Id,
            OwnerId = userId,
            CreatedAt = now,
            UpdatedAt = now,
        } : null;
        var storedConversationId = conversation?.Id ?? newConversation!.Id;
        var userMessage = new Message
        {
            ConversationId = storedConversationId,
            Role = MessageRole.User,
            Content = request.Prompt,
            TokenCount = tokens.Count(request.Prompt),
            GenerationId = generationId,
            CreatedAt = now,
        };
        // The row exists from the start and this instance holds its lease, so the generation outlives the instance.
        var row = new Data.Entities.Generation
        {
            Id = generationId,
            ConversationId = storedConversationId,
            PersonaId = persona?.Id,
            OwnerId = userId,
            Provider = provider.Name,
            Model = model!,
            Status = GenerationStatus.Running,
            PromptTokens = history.PromptTokens,
            InstanceId = instance.Id,
            LeaseExpiresAt = now + limits.LeaseDuration,
            StartedAt = now,
        };
        try
        {
            await writer.StoreAsync(new Admitted(newConversation, userMessage, row), cancellationToken);
        }
        catch (GenerationStorageException)
        {
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.StorageUnavailable, "The generation could not be stored, so it was not started; try again.", null));
        }

        var started = new GenerationStarted(generationId, storedConversationId, persona?.Id, userId, userMessage.Id, provider.Name, model!, now);
        var settings = new PromptExecutionSettings
        {
            ExtensionData = new Dictionary<string, object>
            {
                ["temperature"] = temperature,
                ["max_tokens"] = maxTokens,
            },
        };
        if (request.TopP is { } topP)
            settings.ExtensionData["top_p"] = topP;
        await runner.StartAsync(new GenerationJob(started, rateLimitKey, cached?.Replay ?? chat.Service, modelOptions, history.History, history.PromptTokens,
            ResponseFormatSupport.Apply(settings, format), receivedAt, cached, format.Kind), cancellationToken);
        return new GenerationStart(started, []);
    }

    private (ChatProvider? Provider, string? Model, GenerationError? Error) Choose(GenerationRequest request, Persona? persona)
    {
        var providerName = request.Provider ?? persona?.DefaultProvider ?? providers.DefaultProvider;
        var provider = providers.Find(providerName);
        if (provider is null)
            return (null, null, new(GenerationErrorCodes.UnknownProvider, $"No provider is named \"{providerName}\".", request.Provider is null ? "personaId" : "provider"));
        // The persona's model belongs to the persona's provider; another provider starts from its own default.
        var personaModel = string.Equals(persona?.DefaultProvider, provider.Name, StringComparison.OrdinalIgnoreCase) ? persona?.DefaultModel : null;
        var model = request.Model ?? personaModel ?? provider.DefaultModel;
        if (!provider.Models.ContainsKey(model))
            return (null, null, new(GenerationErrorCodes.UnknownModel, $"Provider \"{provider.Name}\" has no model \"{model}\".", request.Model is null ? "personaId" : "model"));
        return (provider, model, null);
    }

    private static GenerationError Unavailable(ChatProvider provider, ChatServiceProblem problem) => problem switch
    {
        ChatServiceProblem.NoKey => new(GenerationErrorCodes.ProviderUnavailable, $"Provider \"{provider.Name}\" has no server-wide key; it can be used with a key of your own.", "provider"),
        ChatServiceProblem.UserKeyUnreadable => new(GenerationErrorCodes.ProviderKeyUnreadable, $"Your key for provider \"{provider.Name}\" can no longer be read; set it again.", "provider"),
        _ => new(GenerationErrorCodes.ProviderUnavailable, $"Provider \"{provider.Name}\" has no key or endpoint configured.", "provider"),
    };

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Title(string prompt)
    {
        var line = prompt.Trim().ReplaceLineEndings(" ");
        return line.Length <= TitleLength ? line : line[..(TitleLength - 1)] + "…";
    }
}
