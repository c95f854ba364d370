using LlmPlatform.Data.Entities;

namespace LlmPlatform.Data.Queries;

/// <summary>Who may see what, in one place for every reader: the API, the generation pipeline, analytics.</summary>
public static class VisibilityExtensions
{
    /// <summary>Built-in personas are everyone's; the others are their owner's.</summary>
    public static IQueryable<Persona> VisibleTo(this IQueryable<Persona> personas, Guid userId) =>
        personas.Where(p => p.IsBuiltIn || p.OwnerId == userId);

    /// <summary>Conversations are their owner's alone.</summary>
    public static IQueryable<Conversation> VisibleTo(this IQueryable<Conversation> conversations, Guid userId) =>
        conversations.Where(c => c.OwnerId == userId);
}
