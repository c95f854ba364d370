using System.Linq.Expressions;
using LlmPlatform.Data;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema.Filtering;
using LlmPlatform.Graph.Schema.Paging;
using LlmPlatform.Graph.Users;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Conversations;

/// <summary>Reads the current user's conversations; nobody else's are visible.</summary>
public sealed class ConversationReader(IDbContextFactory<PlatformDbContext> contexts, CurrentUser user)
{
    public Task<Connection<Conversation>> ListAsync(
        Expression<Func<Conversation, bool>>? where, SortOrder<Conversation> order, PageRequest page, CancellationToken cancellationToken) =>
        contexts.ReadPageAsync(
            db => db.Conversations.VisibleTo(user.Viewer).WhereIf(where),
            query => order.Apply(query, q => q.OrderByDescending(c => c.UpdatedAt), q => q.ThenBy(c => c.Id)),
            page,
            cancellationToken);
}
