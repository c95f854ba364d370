using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Queries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// A generation's row: found by id, checkpointed and leased while it runs, ended exactly once — by the instance
/// running it, or by the sweeper when that instance is gone.
/// </summary>
public sealed partial class GenerationStore(
    IDbContextFactory<PlatformDbContext> contexts, GenerationInstance instance, TimeProvider clock,
    IOptions<GenerationOptions> options, ILogger<GenerationStore> logger)
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>Where the generation stands, if it exists and the viewer may see it.</summary>
    public async Task<GenerationState?> FindAsync(Guid generationId, Viewer viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.Generations.AsNoTracking().Where(g => g.Id == generationId)
            .Select(g => new
            {
                g.ConversationId, g.OwnerId, g.Provider, g.Model, g.Status, g.MessageId, g.FailureCode, g.FailureMessage,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null || !viewer.CanSee(found.OwnerId))
            return null;
        var ended = found.Status != GenerationStatus.Running
            ? await db.UsageEvents.AsNoTracking().FirstOrDefaultAsync(u => u.GenerationId == generationId, cancellationToken)
            : null;
        var phase = found.Status switch
        {
            GenerationStatus.Running => GenerationPhase.Running,
            GenerationStatus.Completed => GenerationPhase.Completed,
            GenerationStatus.Cancelled => GenerationPhase.Cancelled,
            _ => GenerationPhase.Failed,
        };
        var usage = ended is { } u
            ? new GenerationUsage(u.PromptTokens, u.CompletionTokens, u.TokensEstimated, u.LatencyMs, u.TimeToFirstTokenMs, u.Cost, u.Cached, u.OverheadMs,
                u.Provider, u.Model, u.Attempts)
            : null;
        return new GenerationState(generationId, found.ConversationId, found.OwnerId, found.Provider, found.Model, phase,
            found.MessageId, usage, found.FailureCode, found.FailureMessage);
    }

    /// <summary>
    /// Writes the text of generations running here and renews their leases, in one transaction. A generation that has
    /// ended meanwhile, or was taken over, is left alone.
    /// </summary>
    public async Task CheckpointAsync(IReadOnlyCollection<GenerationCheckpoint> checkpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        if (checkpoints.Count == 0)
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        var leaseUntil = now + options.Value.LeaseDuration;
        var me = instance.Id;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var checkpoint in checkpoints.Where(c => c.Text is not null))
            {
                await db.Generations.Where(g => g.Id == checkpoint.GenerationId && g.Status == GenerationStatus.Running && g.InstanceId == me)
                    .ExecuteUpdateAsync(g => g
                        .SetProperty(x => x.CheckpointText, checkpoint.Text!)
                        .SetProperty(x => x.CheckpointChunks, checkpoint.Chunks)
                        .SetProperty(x => x.CheckpointedAt, now)
                        .SetProperty(x => x.LeaseExpiresAt, leaseUntil), cancellationToken);
            }
            var leaseOnly = checkpoints.Where(c => c.Text is null).Select(c => c.GenerationId).ToList();
            if (leaseOnly.Count > 0)
            {
                await db.Generations.Where(g => leaseOnly.Contains(g.Id) && g.Status == GenerationStatus.Running && g.InstanceId == me)
                    .ExecuteUpdateAsync(g => g.SetProperty(x => x.LeaseExpiresAt, leaseUntil), cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        });
    }

    /// <summary>Running generations whose lease has lapsed: their instance is gone.</summary>
    public async Task<IReadOnlyList<Data.Entities.Generation>> FindOrphansAsync(int max, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Generations.AsNoTracking()
            .Where(g => g.Status == GenerationStatus.Running && g.LeaseExpiresAt < now)
            .OrderBy(g => g.LeaseExpiresAt).Take(max)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Ends the generation: stores its reply and usage and marks its row, in one transaction, unless it has already
    /// ended (then nothing is written and the stored message's id is returned). Failures are retried for
    /// <see cref="GenerationOptions.StorageRetryFor"/>; past it, <see cref="GenerationStorageException"/>.
    /// </summary>
    public async Task<GenerationStored> FinishAsync(GenerationOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var giveUpAt = clock.GetUtcNow() + options.Value.StorageRetryFor;
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryFinishAsync(outcome, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (clock.GetUtcNow() + delay > giveUpAt)
                {
                    LogStoreGaveUp(logger, e, outcome.GenerationId, attempt);
                    throw new GenerationStorageException("The reply could not be stored; it will be stored when the database is back.", e);
                }
                LogStoreRetry(logger, outcome.GenerationId, attempt, e.GetType().Name);
            }
            await Task.Delay(delay, clock, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
        }
    }

    private async Task<GenerationStored> TryFinishAsync(GenerationOutcome outcome, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            var now = clock.GetUtcNow().UtcDateTime;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Claiming the row first makes the end happen once: the instance and the sweeper cannot both store a reply.
            var claimed = await db.Generations.Where(g => g.Id == outcome.GenerationId && g.Status == GenerationStatus.Running)
                .ExecuteUpdateAsync(g => g
                    .SetProperty(x => x.Status, outcome.Status)
                    // The target that served: another than the one started on when the route failed over.
                    .SetProperty(x => x.Provider, outcome.Provider)
                    .SetProperty(x => x.Model, outcome.Model)
                    .SetProperty(x => x.FinishedAt, now)
                    .SetProperty(x => x.FailureCode, outcome.FailureCode)
                    .SetProperty(x => x.FailureMessage, Shorten(outcome.FailureMessage))
                    .SetProperty(x => x.CheckpointText, "")
                    .SetProperty(x => x.CheckpointChunks, outcome.Chunks), cancellationToken);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                var ended = await db.Generations.AsNoTracking().Where(g => g.Id == outcome.GenerationId)
                    .Select(g => new { g.MessageId }).FirstOrDefaultAsync(cancellationToken);
                return new GenerationStored(ended?.MessageId, EndedElsewhere: true);
            }
            var message = new Message
            {
                ConversationId = outcome.ConversationId,
                Role = MessageRole.Assistant,
                Content = outcome.Text,
                TokenCount = outcome.Usage.CompletionTokens,
                FinishReason = outcome.FinishReason,
                GenerationId = outcome.GenerationId,
                CreatedAt = now,
                ResponseFormat = outcome.ResponseFormat,
            };
            db.Messages.Add(message);
            db.UsageEvents.Add(new UsageEvent
            {
                Id = Guid.CreateVersion7(),
                GenerationId = outcome.GenerationId,
                Provider = outcome.Provider,
                Model = outcome.Model,
                PersonaId = outcome.PersonaId,
                ConversationId = outcome.ConversationId,
                UserId = outcome.OwnerId,
                PromptTokens = outcome.Usage.PromptTokens,
                CompletionTokens = outcome.Usage.CompletionTokens,
                TokensEstimated = outcome.Usage.Estimated,
                LatencyMs = outcome.Usage.LatencyMs,
                TimeToFirstTokenMs = outcome.Usage.TimeToFirstTokenMs,
                Status = outcome.Status,
                Cost = outcome.Usage.Cost,
                CreatedAt = now,
                Cached = outcome.Usage.Cached,
                OverheadMs = outcome.Usage.OverheadMs,
                Attempts = outcome.Usage.Attempts,
            });
            await db.SaveChangesAsync(cancellationToken);
            await db.Generations.Where(g => g.Id == outcome.GenerationId)
                .ExecuteUpdateAsync(g => g.SetProperty(x => x.MessageId, message.Id), cancellationToken);
            await db.Conversations.Where(c => c.Id == outcome.ConversationId)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.UpdatedAt, now), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new GenerationStored(message.Id, EndedElsewhere: false);
        });
    }

    private static string? Shorten(string? text) =>
        text is null || text.Length <= Data.Entities.Generation.FailureMessageMaxLength ? text : text[..Data.Entities.Generation.FailureMessageMaxLength];

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Generation {GenerationId}: storing the reply failed (attempt {Attempt}, {ExceptionType}); retrying")]
    private static partial void LogStoreRetry(ILogger logger, Guid generationId, int attempt, string exceptionType);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "Generation {GenerationId}: the reply could not be stored after {Attempt} attempts")]
    private static partial void LogStoreGaveUp(ILogger logger, Exception exception, Guid generationId, int attempt);
}

/// <summary>A running generation's text so far (null: only renew its lease).</summary>
public sealed record GenerationCheckpoint(Guid GenerationId, string? Text, int Chunks);

/// <summary>How a generation ended: what to store as its reply, usage and row.</summary>
public sealed record GenerationOutcome(
    Guid GenerationId, Guid ConversationId, Guid? PersonaId, Guid OwnerId, string Provider, string Model,
    string Text, int Chunks, FinishReason FinishReason, GenerationUsage Usage, GenerationStatus Status,
    string? FailureCode = null, string? FailureMessage = null, ResponseFormatKind? ResponseFormat = null);

/// <summary>The stored reply's id; <paramref name="EndedElsewhere"/> when someone else had already ended the generation.</summary>
public sealed record GenerationStored(long? MessageId, bool EndedElsewhere);

/// <summary>The database refused a generation's end for longer than the retry bound.</summary>
public sealed class GenerationStorageException : Exception
{
    public GenerationStorageException() { }

    public GenerationStorageException(string message) : base(message) { }

    public GenerationStorageException(string message, Exception innerException) : base(message, innerException) { }
}
