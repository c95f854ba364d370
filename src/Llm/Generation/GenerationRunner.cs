using System.Diagnostics;
using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Budgets;
using LlmPlatform.Llm.Caching;
using LlmPlatform.Llm.Chat;
using LlmPlatform.Llm.Limits;
using LlmPlatform.Llm.Providers;
using LlmPlatform.Llm.Providers.Routing;
using LlmPlatform.Llm.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// Runs admitted generations on this instance: streams the provider's reply as numbered chunks, and ends each one
/// exactly once — the reply and its usage stored, then the final event. The stored message is exactly the streamed
/// text, because both are built from the chunks as they were published.
/// </summary>
public sealed partial class GenerationRunner(
    IGenerationEventStream events,
    ActiveGenerations active,
    GenerationStore store,
    TokenCounter tokens,
    IGenerationRateLimiter limiter,
    IGenerationBudget budget,
    TimeProvider clock,
    IOptions<GenerationOptions> options,
    LlmMetrics metrics,
    ILogger<GenerationRunner> logger,
    IOptions<ContentCaptureOptions> capture)
{
    /// <summary>Opens the generation's stream and starts it in the background; it belongs to no request and ends by itself.</summary>
    internal async Task StartAsync(GenerationJob job, CancellationToken cancellationToken)
    {
        var running = active.Add(job.Started);
        running.LeaseRenewedAt = clock.GetUtcNow();
        await events.OpenAsync(job.Started, cancellationToken);
        running.Completion = Task.Run(() => RunAsync(job, running), CancellationToken.None);
        LogStarted(logger, job.Started.GenerationId, job.Started.Provider, job.Started.Model);
    }

    private async Task RunAsync(GenerationJob job, ActiveGenerations.Running running)
    {
        var started = job.Started;
        using var telemetry = new GenerationTelemetry(metrics, logger, started, job.ReceivedAt, capture.Value, job.Chain.Serving.History);
        var stopwatch = Stopwatch.StartNew();
        (int Prompt, int Completion)? reported = null;
        var lengthLimited = false;
        string? failure = null;
        var failureCode = GenerationErrorCodes.ProviderError;
        var providerCalled = true;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(running.Token);
        try
        {
            var idleTimeout = options.Value.ProviderIdleTimeout;
            idle.CancelAfter(idleTimeout);
            telemetry.ProviderRequesting();
            await foreach (var chunk in job.Chain.StreamAsync(started.GenerationId, () => idle.CancelAfter(idleTimeout), idle.Token))
            {
                idle.CancelAfter(idleTimeout);
                reported = UsageReader.Read(chunk) ?? reported;
                lengthLimited = UsageReader.IsLengthLimited(chunk) ?? lengthLimited;
                if (string.IsNullOrEmpty(chunk.Content))
                    continue;
                var first = telemetry.ChunkArrived();
                // Numbered as it joins the reply: a viewer resuming with `after` on another instance must see the same
                // numbering, and a checkpoint the same text, or nothing proves that nothing was lost.
                await events.AppendAsync(new TokenChunk(started.GenerationId, running.Append(chunk.Content), chunk.Content), CancellationToken.None);
                if (first)
                    telemetry.FirstChunkPublished();
            }
        }
        catch (Exception) when (running.Token.IsCancellationRequested)
        {
            // Cancelled by the user, by the last viewer leaving, or by shutdown: store what arrived. Aborting the
            // request surfaces as an OperationCanceledException or, mid-body, as an IOException; either way it was us.
        }
        catch (ProviderReplyException e)
        {
            // A 200 that did not carry a whole reply: the partial text is stored, as failed, never as complete.
            failure = e.Message;
            failureCode = e.Code;
            LogProviderFailed(logger, started.GenerationId, job.Chain.Serving.Provider, failure, e.Code);
        }
        catch (Exception) when (idle.IsCancellationRequested)
        {
            failure = $"The provider sent nothing for {options.Value.ProviderIdleTimeout.TotalSeconds:0.###} s.";
            failureCode = GenerationErrorCodes.ProviderTimeout;
            LogProviderIdle(logger, started.GenerationId, job.Chain.Serving.Provider);
        }
        catch (Exception e)
        {
            // Whatever a connector throws, the generation must still end with a stored message and a final event,
            // or its viewers wait forever: the OpenAI connectors throw System.ClientModel's ClientResultException,
            // Ollama's HttpRequestException or IOException, the resilience pipeline Polly's exceptions.
            var providerFailure = ProviderFailure.From(e);
            failure = providerFailure.Message;
            providerCalled = !providerFailure.NeverSent;
            if (providerFailure.Status == 429)
                failureCode = GenerationErrorCodes.ProviderRateLimited;
            if (providerFailure.Recognized)
                LogProviderFailed(logger, started.GenerationId, job.Chain.Serving.Provider, failure, e.GetType().Name);
            else
                LogProviderBroke(logger, e, started.GenerationId, job.Chain.Serving.Provider);
        }

        var cancelled = failure is null && running.Token.IsCancellationRequested;
        var finish = failure is not null ? FinishReason.Error : cancelled ? FinishReason.Cancelled : lengthLimited ? FinishReason.Length : FinishReason.Stop;
        var (text, chunks) = running.Reply();
        var serving = job.Chain.Serving;
        var usage = new GenerationUsage(
            reported?.Prompt ?? serving.PromptTokens,
            reported?.Completion ?? tokens.Count(text),
            Estimated: reported is null,
            (int)stopwatch.ElapsedMilliseconds,
            telemetry.TimeToFirstChunkMs,
            Cost: 0,
            OverheadMs: telemetry.Overhead?.TotalMilliseconds,
            Provider: serving.Provider,
            Model: serving.Model,
            Attempts: job.Chain.Attempts);
        usage = usage with
        {
            Cost = (usage.PromptTokens * serving.Options.InputCostPerMillion + usage.CompletionTokens * serving.Options.OutputCostPerMillion) / 1_000_000m,
        };
        usage = job.Cache?.Account(usage) ?? usage;

        telemetry.Ended(usage, finish, failure is null ? null : failureCode, text);
        var status = failure is not null ? GenerationStatus.Failed : cancelled ? GenerationStatus.Cancelled : GenerationStatus.Completed;
        var outcome = new GenerationOutcome(started.GenerationId, started.ConversationId, started.PersonaId, started.OwnerId,
            serving.Provider, serving.Model, text, chunks, finish, usage, status,
            failure is null ? null : failureCode, failure, job.ResponseFormat);
        // Before the final event, like the tokens below: a caller who asks again on seeing it must find the reply cached.
        if (job.Cache is { } cache && ReferenceEquals(serving, job.Chain.Primary))
            await cache.StoreIfCompleteAsync(text, finish, status, usage);
        // Before the final event: a caller who starts again on seeing it must find these tokens counted. A cache hit
        // spent no provider tokens, nor did a call an open circuit refused (it opened after admission), nor targets that
        // failed before answering anything (an error status, a stall): none are charged.
        var providerAnswered = reported is not null || chunks > 0;
        await limiter.RecordTokensAsync(job.RateLimitKey, providerCalled && providerAnswered && !usage.Cached ? usage.TotalTokens : 0, CancellationToken.None);
        // Counted as the usage row will be (a cache hit not at all), and before it is stored: see BudgetReader.
        await budget.RecordAsync(started.OwnerId, usage.Cached ? default : new Spend(usage.TotalTokens, usage.Cost), CancellationToken.None);
        GenerationEvent last;
        try
        {
            var stored = await store.FinishAsync(outcome, CancellationToken.None);
            last = stored.EndedElsewhere
                ? await EndedElsewhereAsync(started.GenerationId, usage)
                : failure is null && stored.MessageId is { } id
                    ? new GenerationCompleted(started.GenerationId, id, usage)
                    : new GenerationFailed(started.GenerationId, failureCode, failure ?? "The generation failed.", stored.MessageId, usage);
            active.Remove(started.GenerationId);
            running.Dispose();
        }
        catch (GenerationStorageException e)
        {
            // The viewers hear the truth now; the reply stays here (its lease renewed) until the database takes it.
            last = new GenerationFailed(started.GenerationId, GenerationErrorCodes.StorageUnavailable, e.Message, null, usage);
            _ = KeepStoringAsync(outcome, running);
        }
        await events.AppendAsync(last, CancellationToken.None);
        LogFinished(logger, started.GenerationId, finish, chunks, usage.LatencyMs);
    }

    /// <summary>Retries storing a reply the database refused for longer than the bound, until it lands.</summary>
    private async Task KeepStoringAsync(GenerationOutcome outcome, ActiveGenerations.Running running)
    {
        while (true)
        {
            try
            {
                await Task.Delay(options.Value.StorageRetryFor, clock, CancellationToken.None);
                await store.FinishAsync(outcome, CancellationToken.None);
                LogStoredLate(logger, outcome.GenerationId);
                break;
            }
            catch (GenerationStorageException)
            {
                // Still down: try again after another bound.
            }
        }
        active.Remove(outcome.GenerationId);
        running.Dispose();
    }

    // The sweeper of another instance ended it (this instance lost its lease, say while the database was away): the
    // viewers get what was stored.
    private async Task<GenerationEvent> EndedElsewhereAsync(Guid generationId, GenerationUsage usage)
    {
        var state = await store.FindAsync(generationId, new Data.Queries.Viewer(Guid.Empty, IsAdmin: true), CancellationToken.None);
        return state?.FinalEvent()
            ?? new GenerationFailed(generationId, GenerationErrorCodes.InstanceLost, "This generation was ended by another instance.", state?.MessageId, usage);
    }

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

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Generation {GenerationId}: the reply was stored once the database was back")]
    private static partial void LogStoredLate(ILogger logger, Guid generationId);
}

/// <summary>An admitted generation: the targets to call, with what, and whose limits it counts against.</summary>
internal sealed record GenerationJob(
    GenerationStarted Started, string RateLimitKey, TargetChain Chain, long ReceivedAt,
    ResponseCacheLookup? Cache = null, ResponseFormatKind ResponseFormat = ResponseFormatKind.Text);
