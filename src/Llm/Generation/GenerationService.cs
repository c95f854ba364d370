using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Chat;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Limits;
using LlmPlatform.Llm.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// Runs generations: checks the request, stores the prompt, streams the provider's reply as events, and
/// stores the reply and its usage however the generation ends. The streamed text and the stored message are
/// the same text, because the message is built from exactly the chunks that were published.
/// </summary>
public sealed partial class GenerationService(
    IDbContextFactory<PlatformDbContext> contexts,
    ProviderRegistry providers,
    UserChatServices chatServices,
    IGenerationEventStream events,
    ActiveGenerations active,
    ChatHistoryBuilder histories,
    TokenCounter tokens,
    IGenerationRateLimiter limiter,
    TimeProvider clock,
    IOptions<GenerationOptions> options,
    ILogger<GenerationService> logger)
{
    private const int TitleLength = 60;

    /// <summary>
    /// Checks and starts a generation for <paramref name="userId"/>; it then runs in the background. It counts against
    /// the limits of <paramref name="rateLimitKey"/> (see <see cref="IGenerationRateLimiter"/>).
    /// </summary>
    public async Task<GenerationStart> StartAsync(GenerationRequest request, Guid userId, string rateLimitKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limits = options.Value;
        var errors = new List<GenerationError>();
        if (string.IsNullOrWhiteSpace(request.Prompt))
            errors.Add(new(GenerationErrorCodes.Required, "Prompt is required.", "prompt"));
        else if (request.Prompt.Length > limits.MaxPromptLength)
            errors.Add(new(GenerationErrorCodes.TooLong, $"Prompt must be at most {limits.MaxPromptLength} characters.", "prompt"));
        if (request.Temperature is { } t && (double.IsNaN(t) || t < 0 || t > 2))
            errors.Add(new(GenerationErrorCodes.OutOfRange, "Temperature must be between 0 and 2.", "temperature"));
        if (request.MaxTokens is { } m && (m < 1 || m > limits.MaxTokensLimit))
            errors.Add(new(GenerationErrorCodes.OutOfRange, $"MaxTokens must be between 1 and {limits.MaxTokensLimit}.", "maxTokens"));
        if (request.TopP is { } p && (double.IsNaN(p) || p <= 0 || p > 1))
            errors.Add(new(GenerationErrorCodes.OutOfRange, "TopP must be more than 0 and at most 1.", "topP"));

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

        var modelOptions = provider!.Models[model!];
        var maxTokens = request.MaxTokens ?? persona?.MaxTokens ?? modelOptions.MaxOutputTokens;
        if (maxTokens > modelOptions.MaxOutputTokens)
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.OutOfRange, $"MaxTokens must be at most {modelOptions.MaxOutputTokens} for {model}.", "maxTokens"));

        var earlier = conversation is null ? [] : await db.Messages.AsNoTracking()
            .Where(x => x.ConversationId == conversation.Id && x.Role != MessageRole.System)
            .OrderByDescending(x => x.Id).Take(limits.MaxHistoryMessages)
            .ToListAsync(cancellationToken);
        earlier.Reverse();
        var built = histories.Build(persona?.SystemPrompt ?? "", earlier, request.Prompt, modelOptions.ContextWindow, maxTokens);
        if (built is not { } history)
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.TooLong, $"The prompt does not fit the context window of {model}.", "prompt"));

        // Counted only once the request is known to be good, so that bad input costs no quota.
        if (await limiter.TryAcquireAsync(rateLimitKey, cancellationToken) is { } refusal)
            return GenerationStart.Refused(new GenerationError(GenerationErrorCodes.RateLimited, refusal.Message, null, refusal.RetryAfter));

        // Accepted: from here on everything is stored, whatever happens to the provider call.
        var now = clock.GetUtcNow().UtcDateTime;
        var generationId = Guid.CreateVersion7();
        if (conversation is null)
        {
            conversation = new Conversation
            {
                Id = Guid.CreateVersion7(),
                Title = Title(request.Prompt),
                PersonaId = persona?.Id,
                OwnerId = userId,
                CreatedAt = now,
            };
            db.Conversations.Add(conversation);
        }
        conversation.UpdatedAt = now;
        var userMessage = new Message
        {
            ConversationId = conversation.Id,
            Role = MessageRole.User,
            Content = request.Prompt,
            TokenCount = tokens.Count(request.Prompt),
            GenerationId = generationId,
            CreatedAt = now,
        };
        db.Messages.Add(userMessage);
        await db.SaveChangesAsync(cancellationToken);

        var started = new GenerationStarted(generationId, conversation.Id, persona?.Id, userId, userMessage.Id, provider.Name, model!, now);
        var settings = new PromptExecutionSettings
        {
            ExtensionData = new Dictionary<string, object>
            {
                ["temperature"] = request.Temperature ?? persona?.Temperature ?? 0.7,
                ["max_tokens"] = maxTokens,
            },
        };
        if (request.TopP is { } topP)
            settings.ExtensionData["top_p"] = topP;
        var running = active.Add(generationId, userId, new CancellationTokenSource());
        await events.OpenAsync(started, cancellationToken);
        var job = new Job(started, rateLimitKey, chat.Service, modelOptions, history.History, history.PromptTokens, settings, running);
        // The generation belongs to no request: it outlives the one that started it and ends by itself.
        running.Completion = Task.Run(() => RunAsync(job), CancellationToken.None);
        LogStarted(logger, generationId, provider.Name, started.Model);
        return new GenerationStart(started, []);
    }

    /// <summary>
    /// The events of a generation the user owns, from its start or after a token index. While it runs here, the
    /// reader counts as a viewer: when the last one leaves, the generation is cancelled after the configured wait.
    /// </summary>
    public async IAsyncEnumerable<GenerationEvent> WatchAsync(
        Guid generationId, int? afterIndex, Viewer viewer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = await events.FindAsync(generationId, cancellationToken);
        if (started is null || !viewer.CanSee(started.OwnerId))
            throw new GenerationStreamException(GenerationErrorCodes.NotFound, "No such generation, or it finished too long ago to watch.");

        var running = active.Find(generationId);
        running?.AddViewer();
        try
        {
            await foreach (var generationEvent in events.ReadAsync(generationId, afterIndex, cancellationToken))
                yield return generationEvent;
        }
        finally
        {
            running?.RemoveViewer(options.Value.CancelWhenUnwatchedAfter, clock);
        }
    }

    /// <summary>Cancels a running generation the viewer may see; false when none runs here.</summary>
    public bool Cancel(Guid generationId, Viewer viewer) => active.Cancel(generationId, viewer);

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

    private async Task RunAsync(Job job)
    {
        var started = job.Started;
        var reply = new StringBuilder();
        var index = 0;
        var stopwatch = Stopwatch.StartNew();
        int? firstTokenMs = null;
        (int Prompt, int Completion)? reported = null;
        var lengthLimited = false;
        string? failure = null;
        var failureCode = GenerationErrorCodes.ProviderError;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(job.Running.Token);
        try
        {
            var idleTimeout = options.Value.ProviderIdleTimeout;
            idle.CancelAfter(idleTimeout);
            await foreach (var chunk in job.Service.GetStreamingChatMessageContentsAsync(job.History, job.Settings, kernel: null, idle.Token))
            {
                idle.CancelAfter(idleTimeout);
                reported = UsageReader.Read(chunk) ?? reported;
                lengthLimited = UsageReader.IsLengthLimited(chunk) ?? lengthLimited;
                if (string.IsNullOrEmpty(chunk.Content))
                    continue;
                firstTokenMs ??= (int)stopwatch.ElapsedMilliseconds;
                // Number the chunk before publishing it: a viewer resuming with `after` on another instance
                // must see the same numbering, or it cannot prove that it lost nothing.
                await events.AppendAsync(new TokenChunk(started.GenerationId, index++, chunk.Content), CancellationToken.None);
                reply.Append(chunk.Content);
            }
        }
        catch (Exception) when (job.Running.Token.IsCancellationRequested)
        {
            // Cancelled by the user, by the last viewer leaving, or by shutdown: store what arrived. Aborting the
            // request surfaces as an OperationCanceledException or, mid-body, as an IOException; either way it was us.
        }
        catch (Exception) when (idle.IsCancellationRequested)
        {
            failure = $"The provider sent nothing for {options.Value.ProviderIdleTimeout.TotalSeconds:0.###} s.";
            failureCode = GenerationErrorCodes.ProviderTimeout;
            LogProviderIdle(logger, started.GenerationId, started.Provider);
        }
        catch (Exception e)
        {
            // Whatever a connector throws, the generation must still end with a stored message and a final event,
            // or its viewers wait forever: the OpenAI connectors throw System.ClientModel's ClientResultException,
            // Ollama's HttpRequestException or IOException, the resilience pipeline Polly's exceptions.
            var providerFailure = ProviderFailure.From(e);
            failure = providerFailure.Message;
            if (providerFailure.Status == 429)
                failureCode = GenerationErrorCodes.ProviderRateLimited;
            if (providerFailure.Recognized)
                LogProviderFailed(logger, started.GenerationId, started.Provider, failure, e.GetType().Name);
            else
                LogProviderBroke(logger, e, started.GenerationId, started.Provider);
        }

        var cancelled = failure is null && job.Running.Token.IsCancellationRequested;
        var finish = failure is not null ? FinishReason.Error : cancelled ? FinishReason.Cancelled : lengthLimited ? FinishReason.Length : FinishReason.Stop;
        var text = reply.ToString();
        var usage = new GenerationUsage(
            reported?.Prompt ?? job.PromptTokens,
            reported?.Completion ?? tokens.Count(text),
            Estimated: reported is null,
            (int)stopwatch.ElapsedMilliseconds,
            firstTokenMs,
            Cost: 0);
        usage = usage with
        {
            Cost = (usage.PromptTokens * job.Model.InputCostPerMillion + usage.CompletionTokens * job.Model.OutputCostPerMillion) / 1_000_000m,
        };

        long? messageId = null;
        try
        {
            messageId = await StoreAsync(started, text, finish, usage, failure is not null ? GenerationStatus.Failed : cancelled ? GenerationStatus.Cancelled : GenerationStatus.Completed);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or OperationCanceledException)
        {
            LogStoreFailed(logger, e, started.GenerationId);
            failure ??= "The reply could not be stored.";
        }
        finally
        {
            active.Remove(started.GenerationId);
        }
        // Before the final event: a caller who starts again on seeing it must find these tokens counted.
        await limiter.RecordTokensAsync(job.RateLimitKey, usage.TotalTokens, CancellationToken.None);

        GenerationEvent last = failure is null && messageId is { } id
            ? new GenerationCompleted(started.GenerationId, id, usage)
            : new GenerationFailed(started.GenerationId, failureCode, failure ?? "The generation failed.", messageId, usage);
        await events.AppendAsync(last, CancellationToken.None);
        LogFinished(logger, started.GenerationId, finish, index, usage.LatencyMs);
    }

    /// <summary>Stores the reply and its usage in one transaction. Not cancellable by the client: it must land.</summary>
    private async Task<long> StoreAsync(GenerationStarted started, string text, FinishReason finish, GenerationUsage usage, GenerationStatus status)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var db = await contexts.CreateDbContextAsync(timeout.Token);
        var now = clock.GetUtcNow().UtcDateTime;
        var message = new Message
        {
            ConversationId = started.ConversationId,
            Role = MessageRole.Assistant,
            Content = text,
            TokenCount = usage.CompletionTokens,
            FinishReason = finish,
            GenerationId = started.GenerationId,
            CreatedAt = now,
        };
        db.Messages.Add(message);
        db.UsageEvents.Add(new UsageEvent
        {
            Id = Guid.CreateVersion7(),
            GenerationId = started.GenerationId,
            Provider = started.Provider,
            Model = started.Model,
            PersonaId = started.PersonaId,
            ConversationId = started.ConversationId,
            UserId = started.OwnerId,
            PromptTokens = usage.PromptTokens,
            CompletionTokens = usage.CompletionTokens,
            TokensEstimated = usage.Estimated,
            LatencyMs = usage.LatencyMs,
            TimeToFirstTokenMs = usage.TimeToFirstTokenMs,
            Status = status,
            Cost = usage.Cost,
            CreatedAt = now,
        });
        await db.Conversations.Where(c => c.Id == started.ConversationId)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.UpdatedAt, now), timeout.Token);
        await db.SaveChangesAsync(timeout.Token);
        return message.Id;
    }

    private static string Title(string prompt)
    {
        var line = prompt.Trim().ReplaceLineEndings(" ");
        return line.Length <= TitleLength ? line : line[..(TitleLength - 1)] + "…";
    }

    private sealed record Job(
        GenerationStarted Started, string RateLimitKey, Microsoft.SemanticKernel.ChatCompletion.IChatCompletionService Service, ModelOptions Model,
        Microsoft.SemanticKernel.ChatCompletion.ChatHistory History,
        int PromptTokens, PromptExecutionSettings Settings, ActiveGenerations.Running Running);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Generation {GenerationId} started on {Provider}/{Model}")]
    private static partial void LogStarted(ILogger logger, Guid generationId, string provider, string model);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Generation {GenerationId} finished ({FinishReason}) after {Chunks} chunks in {LatencyMs} ms")]
    private static partial void LogFinished(ILogger logger, Guid generationId, FinishReason finishReason, int chunks, int latencyMs);

    // Without the exception: its message is the provider's own text, which can quote the request (and so the key).
    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Generation {GenerationId}: provider {Provider} failed: {Failure} ({ExceptionType})")]
    private static partial void LogProviderFailed(ILogger logger, Guid generationId, string provider, string failure, string exceptionType);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Generation {GenerationId}: provider {Provider} went silent for longer than the idle timeout")]
    private static partial void LogProviderIdle(ILogger logger, Guid generationId, string provider);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Generation {GenerationId}: the call to provider {Provider} broke unexpectedly")]
    private static partial void LogProviderBroke(ILogger logger, Exception exception, Guid generationId, string provider);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Generation {GenerationId}: the reply could not be stored")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, Guid generationId);
}
