using System.Linq.Expressions;
using LlmPlatform.Data;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema.Filtering;
using LlmPlatform.Graph.Schema.Paging;
using LlmPlatform.Graph.Users;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Personas;

/// <summary>Reads the personas the current user may see: the built-in ones and their own.</summary>
public sealed class PersonaReader(IDbContextFactory<PlatformDbContext> contexts, CurrentUser user)
{
    public Task<Connection<Persona>> ListAsync(
        Expression<Func<Persona, bool>>? where, SortOrder<Persona> order, PageRequest page, CancellationToken cancellationToken) =>
        contexts.ReadPageAsync(
            db => db.Personas.VisibleTo(user.Viewer).WhereIf(where),
            query => order.Apply(query, q => q.OrderBy(p => p.Name), q => q.ThenBy(p => p.Id)),
            page,
            cancellationToken);
}
