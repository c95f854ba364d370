using LlmPlatform.Data.Entities;

namespace LlmPlatform.Data.Queries;

/// <summary>Who may see what, in one place for every reader: the API, the generation pipeline, analytics.</summary>
public static class VisibilityExtensions
{
    /// <summary>Built-in personas are everyone's; the others are their owner's (and admins').</summary>
    public static IQueryable<Persona> VisibleTo(this IQueryable<Persona> personas, Viewer viewer) =>
        viewer.IsAdmin ? personas : personas.Where(p => p.IsBuiltIn || p.OwnerId == viewer.UserId);

    /// <summary>Conversations are their owner's alone (and admins').</summary>
    public static IQueryable<Conversation> VisibleTo(this IQueryable<Conversation> conversations, Viewer viewer) =>
        viewer.IsAdmin ? conversations : conversations.Where(c => c.OwnerId == viewer.UserId);

    /// <summary>Messages are visible with their conversation.</summary>
    public static IQueryable<Message> VisibleTo(this IQueryable<Message> messages, Viewer viewer) =>
        viewer.IsAdmin ? messages : messages.Where(m => m.Conversation!.OwnerId == viewer.UserId);

    /// <summary>Analytics events are their user's alone (and admins'); an event without a user is admins' only.</summary>
    public static IQueryable<AnalyticsEvent> VisibleTo(this IQueryable<AnalyticsEvent> events, Viewer viewer) =>
        viewer.IsAdmin ? events : events.Where(e => e.UserId == viewer.UserId && viewer.UserId != Guid.Empty);
}
