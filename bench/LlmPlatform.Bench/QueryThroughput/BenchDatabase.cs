using LlmPlatform.Data;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Bench.QueryThroughput;

/// <summary>
/// The benchmark's data: a freshly migrated SQLite file with the 5 built-in personas, 20 of the local user's
/// (so <c>first: 10</c> returns a full page and there is a next page) and 20 of another user's (which the
/// visibility filter must skip). Names interleave with the built-in ones, so the page mixes both kinds.
/// Everything is fixed (ids, dates, texts), so every run reads the same rows.
/// </summary>
public static class BenchDatabase
{
    public const int OwnPersonas = 20;
    public const int OtherUsersPersonas = 20;

    private static readonly DateTime Created = new(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly Guid OtherUserId = new("00000000-0000-0000-0000-0000000be4c1");

    private static readonly string[] Roles =
    [
        "Archivist", "Bard", "Critic", "Debugger", "Editor", "Fact checker", "Guide", "Historian", "Interviewer", "Journalist",
        "Kotlin mentor", "Linguist", "Mathematician", "Negotiator", "Optimizer", "Planner", "Quiz master", "Researcher",
        "Storyteller", "UX writer",
    ];

    /// <summary>Creates the file at <paramref name="path"/> (replacing it) and closes every connection to it.</summary>
    public static async Task CreateAsync(string path, CancellationToken cancellationToken)
    {
        var options = new DbContextOptionsBuilder<SqlitePlatformDbContext>().UseSqlite($"Data Source={path}").Options;
        await using (var db = new SqlitePlatformDbContext(options))
        {
            await db.Database.EnsureDeletedAsync(cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            db.Users.Add(new PlatformUser
            {
                Id = OtherUserId,
                UserName = "bench-other",
                NormalizedUserName = "BENCH-OTHER",
                DisplayName = "Another user",
                SecurityStamp = "BENCH-OTHER-SECURITY-STAMP",
                ConcurrencyStamp = "BENCH-OTHER-CONCURRENCY-STAMP",
                CreatedAt = Created,
            });
            db.Personas.AddRange(OwnPersonasOf(LocalUser.Id));
            for (var i = 0; i < OtherUsersPersonas; i++)
                db.Personas.Add(Persona(new Guid($"b3c40000-0000-4000-9000-{i + 1:D12}"), "A " + Roles[i].ToLowerInvariant(), OtherUserId, Created.AddMinutes(i)));
            await db.SaveChangesAsync(cancellationToken);
        }
        // Pooled connections keep the file open; close them so the file can be copied whole.
        SqliteConnection.ClearAllPools();
    }

    /// <summary>
    /// The local user's personas. The auth benchmarks' signed-in account creates the same ones for itself (through
    /// <c>createPersona</c>, so with ids of its own), so that its page holds the same rows as the local user's.
    /// </summary>
    public static IReadOnlyList<Persona> OwnPersonasOf(Guid owner) =>
        [.. Enumerable.Range(0, OwnPersonas).Select(i =>
            Persona(new Guid($"b3c40000-0000-4000-8000-{i + 1:D12}"), Roles[i], owner, Created.AddMinutes(i)))];

    private static Persona Persona(Guid id, string role, Guid owner, DateTime at) => new()
    {
        Id = id,
        Name = role,
        Description = $"A {role.ToLowerInvariant()} that answers in the user's language and keeps replies short.",
        SystemPrompt = $"You are a {role.ToLowerInvariant()}. Be precise, cite what you rely on, say when you are unsure, "
            + "and keep every answer under two hundred words unless the user asks for more.",
        DefaultProvider = "echo",
        DefaultModel = "echo-1",
        Temperature = 0.5,
        MaxTokens = 1024,
        IsBuiltIn = false,
        OwnerId = owner,
        CreatedAt = at,
        UpdatedAt = at,
    };
}
