using LlmPlatform.Bench.Cli;
using LlmPlatform.Data;
using LlmPlatform.Data.Seeding;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Bench.Baseline;

/// <summary>
/// The bare endpoint GraphQL is measured against: the same host shape as src/Graph (<c>CreateBuilder</c>,
/// <c>AddData()</c>, a plain <see cref="RequestDelegate"/> endpoint) serving the same rows as
/// <c>{ personas(first: 10) { nodes { id name description } } }</c>, in the same JSON, with no GraphQL in between;
/// and, for the streaming benchmarks, a bare WebSocket endpoint sending the frames of a `generate` stream
/// (<see cref="StreamingBaseline"/>).
/// </summary>
public static class BaselineServer
{
    public const string PersonasPath = "/personas";
    public const string ReadyPath = "/health/ready";

    /// <summary>The page size of the benchmark's query, <c>personas(first: 10)</c>.</summary>
    public const int PageSize = 10;

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var urls = arguments.Required("urls");
        var sqlite = arguments.Required("sqlite");
        arguments.ThrowIfUnread();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(urls);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = $"Data Source={sqlite}",
            // The orchestrator migrates and seeds the file; it must never switch to PostgreSQL behind our back.
            ["ConnectionStrings:Postgres"] = "",
        });
        builder.AddData();

        var app = builder.Build();
        app.UseWebSockets();
        app.MapPost(PersonasPath, (RequestDelegate)WritePersonasAsync);
        app.Map(StreamingBaseline.Path, (RequestDelegate)StreamingBaseline.HandleAsync);
        app.MapGet(ReadyPath, (RequestDelegate)WriteReadyAsync);
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// What <c>PersonaReader.ListAsync</c> with <c>first: 10</c> does, by hand: one context from the pool,
    /// the visible personas (built-in or the local user's) by name then id, one row more than the page to know
    /// whether a next page exists; then the page as <c>{"data":{"personas":{"nodes":[…]}}}</c>.
    /// </summary>
    private static async Task WritePersonasAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var contexts = context.RequestServices.GetRequiredService<IDbContextFactory<PlatformDbContext>>();
        var userId = LocalUser.Id;
        var skip = 0;
        var take = PageSize + 1;
        List<Data.Entities.Persona> rows;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            rows = await db.Personas.Where(p => p.IsBuiltIn || p.OwnerId == userId).AsNoTracking()
                .OrderBy(p => p.Name).ThenBy(p => p.Id)
                .Skip(skip).Take(take)
                .ToListAsync(cancellationToken);
        }

        var nodes = new PersonaNode[Math.Min(rows.Count, PageSize)];
        for (var i = 0; i < nodes.Length; i++)
            nodes[i] = new PersonaNode(PersonaNode.GlobalId(rows[i].Id), rows[i].Name, rows[i].Description);
        await context.Response.WriteAsJsonAsync(
            new PersonasResponse(new PersonasData(new PersonaConnection(nodes))),
            BaselineJsonContext.Default.PersonasResponse,
            "application/json; charset=utf-8",
            cancellationToken);
    }

    private static async Task WriteReadyAsync(HttpContext context)
    {
        var contexts = context.RequestServices.GetRequiredService<IDbContextFactory<PlatformDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(context.RequestAborted);
        var ready = await db.Database.CanConnectAsync(context.RequestAborted);
        context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        await context.Response.WriteAsync(ready ? "Healthy" : "Unhealthy", context.RequestAborted);
    }
}
