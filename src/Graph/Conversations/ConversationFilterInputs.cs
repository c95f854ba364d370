using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema.Filtering;

namespace LlmPlatform.Graph.Conversations;

public sealed class ConversationFilterInputGraphType : FilterInputGraphType<Conversation>
{
    public ConversationFilterInputGraphType() : base("ConversationFilterInput", "conversations")
    {
        Filter("title", c => c.Title, "The conversation's title.");
        Filter("createdAt", c => c.CreatedAt, "When the conversation was started.");
        Filter("updatedAt", c => c.UpdatedAt, "When the conversation last changed.");
    }
}

public sealed class ConversationSortInputGraphType : SortInputGraphType<Conversation>
{
    public ConversationSortInputGraphType() : base("ConversationSortInput", "conversations")
    {
        Sort("title", c => c.Title, "By title.");
        Sort("createdAt", c => c.CreatedAt, "By start time.");
        Sort("updatedAt", c => c.UpdatedAt, "By time of last change.");
    }
}
