using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Data.Tests;

public abstract class PlatformDbContextTests(DatabaseFixture database)
{
    [Fact]
    public async Task Migrations_AppliedToAnEmptyDatabase_LeaveNoModelChangeUnmigrated()
    {
        await using var db = database.CreateContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        // A model change without its migration on either database would fail here.
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes no migration covers: run dotnet ef migrations add for both contexts.");
    }

    [Fact]
    public async Task Migrations_SeedTheLocalUserAndTheBuiltInPersonas()
    {
        await using var db = database.CreateContext();
        Assert.True(await db.Users.AnyAsync(u => u.Id == LocalUser.Id && u.UserName == LocalUser.UserName));
        var builtIn = await db.Personas.Where(p => p.IsBuiltIn).Select(p => p.Name).ToListAsync();
        Assert.Contains("Helpful assistant", builtIn);
        Assert.Contains("Code reviewer", builtIn);
        Assert.Contains("Translator", builtIn);
        Assert.True(await db.Personas.Where(p => p.IsBuiltIn).AllAsync(p => p.OwnerId == null));
    }

    [Fact]
    public async Task DeletingAPersona_KeepsItsConversationsWithoutAPersona()
    {
        var (personaId, conversationId) = await CreateConversationAsync(withMessages: 0);
        await using (var db = database.CreateContext())
        {
            db.Personas.Remove(await db.Personas.SingleAsync(p => p.Id == personaId));
            await db.SaveChangesAsync();
        }
        await using var check = database.CreateContext();
        var conversation = await check.Conversations.SingleAsync(c => c.Id == conversationId);
        Assert.Null(conversation.PersonaId);
    }

    [Fact]
    public async Task DeletingAConversation_DeletesItsMessages()
    {
        var (_, conversationId) = await CreateConversationAsync(withMessages: 3);
        await using (var db = database.CreateContext())
        {
            Assert.Equal(3, await db.Messages.CountAsync(m => m.ConversationId == conversationId));
            // Delete without loading the messages: the database's cascade must do it.
            await db.Conversations.Where(c => c.Id == conversationId).ExecuteDeleteAsync();
        }
        await using var check = database.CreateContext();
        Assert.Equal(0, await check.Messages.CountAsync(m => m.ConversationId == conversationId));
    }

    [Fact]
    public async Task Timestamps_ReadBackAsUtc_WithTheSameInstant()
    {
        var written = new DateTime(2026, 3, 4, 5, 6, 7, 891, DateTimeKind.Utc);
        var (personaId, _) = await CreateConversationAsync(withMessages: 0, createdAt: written);
        await using var db = database.CreateContext();
        var persona = await db.Personas.AsNoTracking().SingleAsync(p => p.Id == personaId);
        Assert.Equal(DateTimeKind.Utc, persona.CreatedAt.Kind);
        Assert.Equal(written, persona.CreatedAt);
    }

    [Fact]
    public async Task MessageIds_IncreaseInInsertionOrder()
    {
        var (_, conversationId) = await CreateConversationAsync(withMessages: 5);
        await using var db = database.CreateContext();
        var contents = await db.Messages.Where(m => m.ConversationId == conversationId).OrderBy(m => m.Id).Select(m => m.Content).ToListAsync();
        Assert.Equal(["message 0", "message 1", "message 2", "message 3", "message 4"], contents);
    }

    private async Task<(Guid PersonaId, Guid ConversationId)> CreateConversationAsync(int withMessages, DateTime? createdAt = null)
    {
        var now = createdAt ?? DateTime.UtcNow;
        var persona = new Persona { Id = Guid.CreateVersion7(), Name = "Temp", SystemPrompt = "Be terse.", OwnerId = LocalUser.Id, CreatedAt = now, UpdatedAt = now };
        var conversation = new Conversation { Id = Guid.CreateVersion7(), Title = "T", PersonaId = persona.Id, OwnerId = LocalUser.Id, CreatedAt = now, UpdatedAt = now };
        await using var db = database.CreateContext();
        db.Personas.Add(persona);
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
        // One SaveChanges per message: ids must follow insertion order, not the order of a batch.
        for (var i = 0; i < withMessages; i++)
        {
            db.Messages.Add(new Message { ConversationId = conversation.Id, Role = MessageRole.User, Content = $"message {i}", CreatedAt = now });
            await db.SaveChangesAsync();
        }
        return (persona.Id, conversation.Id);
    }
}

public sealed class PlatformDbContextOnSqliteTests(SqliteDatabase database) : PlatformDbContextTests(database), IClassFixture<SqliteDatabase>;

public sealed class PlatformDbContextOnPostgresTests(PostgresDatabase database) : PlatformDbContextTests(database), IClassFixture<PostgresDatabase>;
