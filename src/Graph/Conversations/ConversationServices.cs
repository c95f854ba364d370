using LlmPlatform.Graph.Schema;

namespace LlmPlatform.Graph.Conversations;

public static class ConversationServices
{
    /// <summary>What the conversation and message fields resolve with, one instance per operation.</summary>
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddScoped<ConversationReader>();
        services.AddScoped<ConversationCommands>();
        services.AddScoped<ConversationByIdDataLoader>();
        services.AddScoped<MessageByIdDataLoader>();
        services.AddScoped<MessagesByConversationIdDataLoader>();
        services.AddScoped<INodeResolver, ConversationNodeResolver>();
        services.AddScoped<INodeResolver, MessageNodeResolver>();
        return services;
    }
}
