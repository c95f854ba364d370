using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Generation;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Generation;

/// <summary>Finds the current user's generations: running ones from the event stream, finished ones from the database.</summary>
public sealed class GenerationReader(
    IGenerationEventStream events, ActiveGenerations active, IDbContextFactory<PlatformDbContext> contexts, CurrentUser user)
{
    public async Task<GenerationState?> FindAsync(Guid generationId, CancellationToken cancellationToken)
    {
        var started = await events.FindAsync(generationId, cancellationToken);
        if (started is not null && !user.Viewer.CanSee(started.OwnerId))
            return null;
        if (started is not null && active.IsRunning(generationId))
            return GenerationState.Running(started);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var usage = await db.UsageEvents.AsNoTracking()
            .Where(u => u.GenerationId == generationId && (user.IsAdmin || u.UserId == user.Id))
            .Select(u => new
            {
                Usage = u,
                MessageId = db.Messages.Where(m => m.GenerationId == generationId && m.Role == MessageRole.Assistant)
                    .Select(m => (long?)m.Id).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (usage is null)
            // Finishing right now: stored a moment from now.
            return started is null ? null : GenerationState.Running(started);

        var row = usage.Usage;
        var phase = row.Status switch
        {
            GenerationStatus.Completed => GenerationPhase.Completed,
            GenerationStatus.Cancelled => GenerationPhase.Cancelled,
            _ => GenerationPhase.Failed,
        };
        return new GenerationState(generationId, row.ConversationId ?? Guid.Empty, row.Provider, row.Model, phase, usage.MessageId,
            new GenerationUsage(row.PromptTokens, row.CompletionTokens, row.TokensEstimated, row.LatencyMs, row.TimeToFirstTokenMs, row.Cost));
    }
}
