using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Conversations;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Conversations;

/// <summary>
/// Rows written straight into a server's database: there is no mutation that adds messages yet, and
/// other users' rows cannot be made through the API at all.
/// </summary>
public static class ConversationSeeding
{
    /// <summary>The time of the first seeded row, safely in the past; later rows follow it, so orders are predictable.</summary>
    public static readonly DateTime Epoch = new(2025, 2, 1, 8, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// Conversations titled "{prefix} 00", "{prefix} 01"… with <paramref name="messagesEach"/> messages each,
    /// whose contents are "{title} #0", "{title} #1"… oldest first. Conversation i was created and last changed
    /// i minutes after <see cref="Epoch"/>. Returns the ids in that order.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> AddConversationsAsync(
        this PlatformServer server, string prefix, int count, int messagesEach = 0, Guid? ownerId = null, Guid? personaId = null)
    {
        var conversations = Enumerable.Range(0, count).Select(i => new Conversation
        {
            Id = Guid.CreateVersion7(),
            Title = $"{prefix} {i:D2}",
            PersonaId = personaId ?? BuiltInPersonas.HelpfulAssistantId,
            OwnerId = ownerId ?? LocalUser.Id,
            CreatedAt = Epoch.AddMinutes(i),
            UpdatedAt = Epoch.AddMinutes(i),
        }).ToList();
        await server.ReadAsync(async db =>
        {
            db.Conversations.AddRange(conversations);
            // One save per round of messages: ids grow with insertion order, so each conversation's
            // messages are numbered oldest first whatever order the provider batches one save in.
            await db.SaveChangesAsync();
            for (var j = 0; j < messagesEach; j++)
            {
                foreach (var conversation in conversations)
                    db.Messages.Add(NewMessage(conversation, j));
                await db.SaveChangesAsync();
            }
            return 0;
        });
        return conversations.Select(c => c.Id).ToList();
    }

    /// <summary>A user other than the one every request acts as.</summary>
    public static Task<Guid> AddOtherUserAsync(this PlatformServer server) =>
        server.ReadAsync(async db =>
        {
            var id = Guid.NewGuid();
            var name = "other-" + id.ToString("N");
            db.Users.Add(new PlatformUser
            {
                Id = id,
                UserName = name,
                NormalizedUserName = name.ToUpperInvariant(),
                DisplayName = "Someone else",
                SecurityStamp = Guid.NewGuid().ToString(),
                CreatedAt = Epoch,
            });
            await db.SaveChangesAsync();
            return id;
        });

    /// <summary>A persona owned by <paramref name="ownerId"/>, made without the API's checks.</summary>
    public static Task<Guid> AddPersonaAsync(this PlatformServer server, Guid ownerId, string name, double temperature = 0.5) =>
        server.ReadAsync(async db =>
        {
            var persona = new Persona
            {
                Id = Guid.CreateVersion7(),
                Name = name,
                Description = name + " description",
                SystemPrompt = name + " prompt",
                Temperature = temperature,
                OwnerId = ownerId,
                CreatedAt = Epoch,
                UpdatedAt = Epoch,
            };
            db.Personas.Add(persona);
            await db.SaveChangesAsync();
            return persona.Id;
        });

    public static string PersonaId(Guid id) => GlobalId.Encode(PersonaGraphType.TypeName, id);

    public static string ConversationId(Guid id) => GlobalId.Encode(ConversationGraphType.TypeName, id);

    public static string MessageId(long id) => GlobalId.Encode(MessageGraphType.TypeName, id);

    /// <summary>Message <paramref name="index"/>: users ask on even turns, the assistant answers on odd ones.</summary>
    private static Message NewMessage(Conversation conversation, int index)
    {
        var assistant = index % 2 == 1;
        return new Message
        {
            ConversationId = conversation.Id,
            Role = assistant ? MessageRole.Assistant : MessageRole.User,
            Content = $"{conversation.Title} #{index}",
            TokenCount = assistant ? 10 + index : null,
            FinishReason = assistant ? FinishReason.Stop : null,
            GenerationId = Guid.CreateVersion7(),
            CreatedAt = conversation.CreatedAt.AddSeconds(index),
        };
    }
}
