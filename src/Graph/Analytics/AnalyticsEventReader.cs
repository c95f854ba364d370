using System.Linq.Expressions;
using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Queries;
using LlmPlatform.Graph.Schema.Filtering;
using LlmPlatform.Graph.Schema.Paging;
using LlmPlatform.Graph.Users;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Analytics;

/// <summary>Reads the events the current user may see: their own, or everyone's for an admin.</summary>
public sealed class AnalyticsEventReader(IDbContextFactory<PlatformDbContext> contexts, CurrentUser user)
{
    public Task<Connection<AnalyticsEvent>> ListAsync(
        Expression<Func<AnalyticsEvent, bool>>? where, SortOrder<AnalyticsEvent> order, PageRequest page, CancellationToken cancellationToken) =>
        contexts.ReadPageAsync(
            db => db.AnalyticsEvents.VisibleTo(user.Viewer).WhereIf(where),
            query => order.Apply(query, q => q.OrderByDescending(e => e.CreatedAt), q => q.ThenBy(e => e.Id)),
            page,
            cancellationToken);
}
