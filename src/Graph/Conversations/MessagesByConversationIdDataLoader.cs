using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema.DataLoading;
using LlmPlatform.Graph.Schema.Paging;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Conversations;

/// <summary>
/// A page of messages for each of many conversations, in two statements per distinct set of paging arguments
/// (the counts, then the rows), however many conversations the page of conversations holds.
/// </summary>
public sealed class MessagesByConversationIdDataLoader(IDbContextFactory<PlatformDbContext> contexts)
    : BatchLoader<(Guid ConversationId, PageRequest Page), Connection<Message>>
{
    protected override async Task<IReadOnlyDictionary<(Guid ConversationId, PageRequest Page), Connection<Message>>> FetchAsync(
        IReadOnlyList<(Guid ConversationId, PageRequest Page)> keys, CancellationToken cancellationToken)
    {
        var pages = new Dictionary<(Guid, PageRequest), Connection<Message>>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var group in keys.GroupBy(k => k.Page))
        {
            var page = group.Key;
            var ids = group.Select(k => k.ConversationId).Distinct().ToList();
            var counts = await db.Messages.Where(m => ids.Contains(m.ConversationId)).GroupBy(m => m.ConversationId)
                .Select(g => new { g.Key, Count = g.Count() })
                .ToDictionaryAsync(c => c.Key, c => c.Count, cancellationToken);
            var rows = await ReadRowsAsync(db.Conversations.Where(c => ids.Contains(c.Id)), page, cancellationToken);

            foreach (var id in ids)
            {
                var count = counts.GetValueOrDefault(id);
                var window = PageWindow.For(page, count);
                var own = rows.GetValueOrDefault(id) ?? [];
                // Rows read newest-first for `last` may reach before the window (past `after`): drop those.
                var inWindow = PageWindow.NeedsCount(page) && own.Count > window.Take
                    ? own.GetRange(own.Count - window.Take, window.Take)
                    : own;
                pages[(id, page)] = window.ToConnection(page, inWindow, _ => Task.FromResult(count));
            }
        }
        return pages;
    }

    /// <summary>Each conversation's rows for the page, oldest first, read in one statement.</summary>
    private static async Task<Dictionary<Guid, List<Message>>> ReadRowsAsync(
        IQueryable<Conversation> conversations, PageRequest page, CancellationToken cancellationToken)
    {
        List<Message> rows;
        if (PageWindow.NeedsCount(page))
        {
            // `last` with no `before` starts at a different offset in each conversation, so read from the end.
            var last = page.Last!.Value;
            rows = last == 0 ? [] : await conversations.AsNoTracking()
                .SelectMany(c => c.Messages.OrderByDescending(m => m.Id).Take(last))
                .ToListAsync(cancellationToken);
        }
        else
        {
            var window = PageWindow.For(page, count: null);
            var take = window.Take + (window.ReadOneMore ? 1 : 0);
            rows = take == 0 ? [] : await conversations.AsNoTracking()
                .SelectMany(c => c.Messages.OrderBy(m => m.Id).Skip(window.Skip).Take(take))
                .ToListAsync(cancellationToken);
        }
        return rows.GroupBy(m => m.ConversationId)
            .ToDictionary(g => g.Key, g => g.OrderBy(m => m.Id).ToList());
    }
}
