using GraphQL.DataLoader;
using LlmPlatform.Data;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Schema.DataLoading;
using LlmPlatform.Graph.Users;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Personas;

/// <summary>Personas by id, limited to those the current user may see.</summary>
public sealed class PersonaByIdDataLoader(IDbContextFactory<PlatformDbContext> contexts, CurrentUser user)
    : BatchLoader<Guid, Persona>
{
    protected override async Task<IReadOnlyDictionary<Guid, Persona>> FetchAsync(
        IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        // Sibling fields resolve in parallel and a DbContext is not thread-safe,
        // so a batch opens its own context instead of sharing the request's.
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Personas.AsNoTracking().VisibleTo(user.Viewer)
            .Where(p => ids.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, cancellationToken);
    }
}

public sealed class PersonaNodeResolver(PersonaByIdDataLoader personas) : INodeResolver
{
    public string TypeName => PersonaGraphType.TypeName;

    public IDataLoaderResult<object?>? Resolve(string key) =>
        GlobalId.TryParseGuidKey(key, out var id) ? personas.Load(id).Then(p => (object?)p) : null;
}
