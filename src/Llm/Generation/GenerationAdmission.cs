using System.Diagnostics;
using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Budgets;
using LlmPlatform.Llm.Caching;
using LlmPlatform.Llm.Chat;
using LlmPlatform.Llm.Limits;
using LlmPlatform.Llm.Providers.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// Admits generations: checks the request, chooses its targets (<see cref="RouteChooser"/>, <see cref="TargetChainBuilder"/>), charges the rate limit, and
/// stores the prompt and the generation's row before handing it to the <see cref="GenerationRunner"/>. A refused
/// request writes nothing.
/// </summary>
public sealed class GenerationAdmission(
    IDbContextFactory<PlatformDbContext> contexts,
    RouteChooser routes,
    TargetChainBuilder chains,
    GenerationRunner runner,
    GenerationInstance instance,
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

        var (targets, choiceError) = routes.Choose(request, persona);
        if (choiceError is not null)
            errors.Add(choiceError);
        if (errors.Count > 0)
            return new GenerationStart(null, errors);

        var earlier = conversation is null ? [] : await db.Messages.AsNoTracking()
            .Where(x => x.ConversationId == conversation.Id && x.Role != MessageRole.System)
            .OrderByDescending(x => x.Id).Take(limits.MaxHistoryMessages)
            .ToListAsync(cancellationToken);
        earlier.Reverse();
        var temperature = request.Temperature ?? persona?.Temperature ?? SamplingDefaults.Temperature;
        var plan = await chains.BuildAsync(targets!, new TargetNeeds(persona?.SystemPrompt ?? "", earlier, request.Prompt,
            request.MaxTokens ?? persona?.MaxTokens, temperature, request.TopP, format), userId, cancellationToken);
        // A cached reply needs no provider: it serves even while every target's circuit is open.
        ResponseCacheLookup? cached = null;
        if (plan.Refusal is { } refusal)
        {
            cached = plan.Primary is null ? null : await LookUpAsync(plan.Primary, request, persona, temperature, format, userId, cancellationToken);
            if (cached?.Hit is null)
                return GenerationStart.Refused(refusal);
        }

        if (await budget.CheckAsync(userId, cancellationToken) is { } spent)
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.BudgetExceeded, spent.Message, null, spent.RetryAfter, spent.ResetsAt));
        // Counted only once the request is known to be good, so that bad input costs no quota.
        if (await limiter.TryAcquireAsync(rateLimitKey, cancellationToken) is { } limited)
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.RateLimited, limited.Message, null, limited.RetryAfter));
        // After the rate limit: a cache hit is still a request of the caller's (its tokens are not: no provider spent them).
        cached ??= plan.Primary is null ? null : await LookUpAsync(plan.Primary, request, persona, temperature, format, userId, cancellationToken);
        var chain = cached?.Replay is { } replay ? plan.Chain.Replaying(plan.Primary!, replay) : plan.Chain;
        var first = chain.Serving;

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
            Provider = first.Provider,
            Model = first.Model,
            Status = GenerationStatus.Running,
            PromptTokens = first.PromptTokens,
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

        var started = new GenerationStarted(generationId, storedConversationId, persona?.Id, userId, userMessage.Id, first.Provider, first.Model, now);
        await runner.StartAsync(new GenerationJob(started, rateLimitKey, chain, receivedAt, cached, format.Kind), cancellationToken);
        return new GenerationStart(started, []);
    }

    private Task<ResponseCacheLookup?> LookUpAsync(PreparedTarget target, GenerationRequest request, Persona? persona, double temperature,
        ResponseFormat format, Guid userId, CancellationToken cancellationToken) =>
        responseCache.LookUpAsync(new ResponseCacheRequest(target.Provider, target.Model, target.Chat.UsesUserKey ? userId : null,
            target.History, temperature, target.MaxTokens, request.TopP, format, request.Cache ?? persona?.CacheResponses ?? false), cancellationToken);

    private static string Title(string prompt)
    {
        var line = prompt.Trim().ReplaceLineEndings(" ");
        return line.Length <= TitleLength ? line : line[..(TitleLength - 1)] + "…";
    }
}
