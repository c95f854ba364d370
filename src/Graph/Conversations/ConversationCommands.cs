using LlmPlatform.Data;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Users;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Conversations;

/// <summary>Starts, renames and deletes the current user's conversations. Bad input writes nothing.</summary>
public sealed class ConversationCommands(IDbContextFactory<PlatformDbContext> contexts, CurrentUser user, TimeProvider clock)
{
    public const string DefaultTitle = "New conversation";

    public async Task<ConversationPayload> CreateAsync(CreateConversationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<UserError>();
        if (input.Title is not null)
            CheckTitle(input.Title, errors);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var personaId = BuiltInPersonas.HelpfulAssistantId;
        if (input.PersonaId is not null)
        {
            var visible = GlobalId.TryDecodeGuid(input.PersonaId, PersonaGraphType.TypeName, out personaId)
                && await db.Personas.VisibleTo(user.Viewer).AnyAsync(p => p.Id == personaId, cancellationToken);
            if (!visible)
                errors.Add(UserError.NotFound("personaId", "persona"));
        }
        if (errors.Count > 0)
            return ConversationPayload.Failed(errors);

        var now = Now();
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(),
            Title = string.IsNullOrWhiteSpace(input.Title) ? DefaultTitle : input.Title.Trim(),
            PersonaId = personaId,
            OwnerId = user.Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        return new ConversationPayload(conversation, []);
    }

    public async Task<ConversationPayload> RenameAsync(RenameConversationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<UserError>();
        CheckTitle(input.Title, errors);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var conversation = await FindOwnAsync(db, input.Id, cancellationToken);
        if (conversation is null)
            errors.Insert(0, UserError.NotFound("id", "conversation"));
        if (errors.Count > 0)
            return ConversationPayload.Failed(errors);

        conversation!.Title = input.Title.Trim();
        conversation.UpdatedAt = Now();
        await db.SaveChangesAsync(cancellationToken);
        return new ConversationPayload(conversation, []);
    }

    public async Task<ConversationPayload> DeleteAsync(DeleteConversationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var conversation = await FindOwnAsync(db, input.Id, cancellationToken);
        if (conversation is null)
            return ConversationPayload.Failed(UserError.NotFound("id", "conversation"));
        // Messages go with it (cascade in the database).
        db.Conversations.Remove(conversation);
        await db.SaveChangesAsync(cancellationToken);
        return new ConversationPayload(conversation, []);
    }

    private static void CheckTitle(string? title, List<UserError> errors)
    {
        if (string.IsNullOrWhiteSpace(title))
            errors.Add(UserError.Required("title"));
        else if (title.Length > Conversation.TitleMaxLength)
            errors.Add(UserError.TooLong("title", Conversation.TitleMaxLength));
    }

    /// <summary>The caller's conversation with this id; someone else's reads as not found.</summary>
    private async Task<Conversation?> FindOwnAsync(PlatformDbContext db, string globalId, CancellationToken cancellationToken) =>
        GlobalId.TryDecodeGuid(globalId, ConversationGraphType.TypeName, out var id)
            ? await db.Conversations.VisibleTo(user.Viewer).FirstOrDefaultAsync(c => c.Id == id, cancellationToken)
            : null;

    /// <summary>
    /// The current time as the database keeps it: PostgreSQL stores microseconds, so the payload must not report
    /// the 100-nanosecond ticks a later read (or a filter on the returned value) would never see again.
    /// </summary>
    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
