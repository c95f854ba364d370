using GraphQL.DataLoader;
using LlmPlatform.Data;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Schema.DataLoading;
using LlmPlatform.Graph.Users;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Conversations;

/// <summary>The current user's conversations by id.</summary>
public sealed class ConversationByIdDataLoader(IDbContextFactory<PlatformDbContext> contexts, CurrentUser user)
    : BatchLoader<Guid, Conversation>
{
    protected override async Task<IReadOnlyDictionary<Guid, Conversation>> FetchAsync(
        IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Conversations.AsNoTracking().VisibleTo(user.Viewer)
            .Where(c => ids.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, cancellationToken);
    }
}

/// <summary>Messages by id, from the current user's conversations only.</summary>
public sealed class MessageByIdDataLoader(IDbContextFactory<PlatformDbContext> contexts, CurrentUser user)
    : BatchLoader<long, Message>
{
    protected override async Task<IReadOnlyDictionary<long, Message>> FetchAsync(
        IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Messages.AsNoTracking()
            .VisibleTo(user.Viewer).Where(m => ids.Contains(m.Id))
            .ToDictionaryAsync(m => m.Id, cancellationToken);
    }
}

public sealed class ConversationNodeResolver(ConversationByIdDataLoader conversations) : INodeResolver
{
    public string TypeName => ConversationGraphType.TypeName;

    public IDataLoaderResult<object?>? Resolve(string key) =>
        GlobalId.TryParseGuidKey(key, out var id) ? conversations.Load(id).Then(c => (object?)c) : null;
}

public sealed class MessageNodeResolver(MessageByIdDataLoader messages) : INodeResolver
{
    public string TypeName => MessageGraphType.TypeName;

    public IDataLoaderResult<object?>? Resolve(string key) =>
        GlobalId.TryParseLongKey(key, out var id) ? messages.Load(id).Then(m => (object?)m) : null;
}
