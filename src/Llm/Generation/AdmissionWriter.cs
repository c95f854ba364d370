using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Generation;

/// <summary>
/// Stores admitted generations — the new conversation (or the existing one's new <c>UpdatedAt</c>), the prompt and the
/// generation's row — in group commits. Each caller still waits until its admission is committed, so the row exists
/// before anything of the generation is published. On SQLite a burst of starts used to queue behind each other's locks,
/// each blocking a pool thread while Microsoft.Data.Sqlite slept between retries; now one writer stores the burst.
/// </summary>
public sealed partial class AdmissionWriter(
    IDbContextFactory<PlatformDbContext> contexts, IOptions<GenerationOptions> options, ILogger<AdmissionWriter> logger)
    : GroupCommitWriter<Admitted>(options.Value.AdmissionWriteQueueCapacity, options.Value.AdmissionWriteBatchSize)
{
    /// <summary>Returns once the admission is stored (the prompt has its id).</summary>
    /// <exception cref="GenerationStorageException">The database refused it.</exception>
    internal Task StoreAsync(Admitted admitted, CancellationToken cancellationToken) => WaitStoredAsync(admitted, cancellationToken);

    protected override async Task StoreBatchAsync(IReadOnlyList<Admitted> batch)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var touched = new Dictionary<Guid, Conversation>();
        foreach (var admitted in batch)
        {
            if (admitted.NewConversation is { } created)
                db.Conversations.Add(created);
            else if (touched.TryGetValue(admitted.Prompt.ConversationId, out var conversation))
                conversation.UpdatedAt = Max(conversation.UpdatedAt, admitted.Prompt.CreatedAt);
            else
            {
                // Only its UpdatedAt changes: a stub attached with that one property modified updates nothing else.
                conversation = new Conversation { Id = admitted.Prompt.ConversationId, UpdatedAt = admitted.Prompt.CreatedAt };
                db.Conversations.Attach(conversation).Property(c => c.UpdatedAt).IsModified = true;
                touched.Add(conversation.Id, conversation);
            }
            db.Messages.Add(admitted.Prompt);
            db.Generations.Add(admitted.Generation);
        }
        await db.SaveChangesAsync();
    }

    protected override Exception Refused(Admitted item, Exception exception)
    {
        LogRefused(logger, exception, item.Generation.Id);
        return new GenerationStorageException("The database refused the generation's start.", exception);
    }

    // One admission the database refuses (its conversation deleted meanwhile) must not fail the others with it.
    protected override void BatchRefused(int batchSize, Exception exception) => LogBatchRefused(logger, batchSize, exception.GetType().Name);

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    [LoggerMessage(EventId = 3550, Level = LogLevel.Warning, Message = "A batch of {Count} generation starts was refused ({ExceptionType}); storing each alone")]
    private static partial void LogBatchRefused(ILogger logger, int count, string exceptionType);

    [LoggerMessage(EventId = 3551, Level = LogLevel.Error, Message = "Generation {GenerationId}: its start could not be stored")]
    private static partial void LogRefused(ILogger logger, Exception exception, Guid generationId);
}

/// <summary>What admitting one generation stores: a conversation when it starts one, its prompt, its row.</summary>
public sealed record Admitted(Conversation? NewConversation, Message Prompt, Data.Entities.Generation Generation);
