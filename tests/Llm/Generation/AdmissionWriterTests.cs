using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Llm.Tests.Generation;

/// <summary>
/// Starts arriving together are stored together, on the real SQLite file: every one succeeds and has its rows, and one
/// the database refuses fails alone, with a typed error and nothing published.
/// </summary>
public sealed class AdmissionWriterTests(LlmHost host) : IClassFixture<LlmHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private GenerationService Generations => host.Get<GenerationService>();

    [Fact]
    public async Task Start_HundredAtOnce_EverySucceedsStoresItsRowsAndStreamsToTheEnd()
    {
        var prompts = Enumerable.Range(0, 100).Select(i => $"burst {Guid.NewGuid():N} {i}").ToList();

        var starts = await Task.WhenAll(prompts.Select(p => Generations.StartAsync(Request(p), LocalUser.Id, LlmHost.RateLimitKey, default)));

        Assert.All(starts, s => Assert.Empty(s.Errors));
        var ids = starts.Select(s => s.Started!.GenerationId).ToList();
        var ends = await Task.WhenAll(ids.Select(WatchToTheEndAsync));
        Assert.All(ends, e => Assert.IsType<GenerationCompleted>(e));
        var rows = await host.ReadAsync(db => db.Generations.Where(g => ids.Contains(g.Id)).Select(g => new { g.Id, g.ConversationId, g.Status }).ToListAsync());
        Assert.Equal(100, rows.Count);
        Assert.All(rows, r => Assert.Equal(GenerationStatus.Completed, r.Status));
        var stored = await host.ReadAsync(db => db.Messages.Where(m => m.Role == MessageRole.User && prompts.Contains(m.Content))
            .Select(m => new { m.Id, m.Content, m.GenerationId, m.ConversationId }).ToListAsync());
        Assert.Equal(prompts.Order(), stored.Select(m => m.Content).Order());
        foreach (var start in starts.Select(s => s.Started!))
        {
            var prompt = Assert.Single(stored, m => m.GenerationId == start.GenerationId);
            Assert.Equal((start.UserMessageId, start.ConversationId), (prompt.Id, prompt.ConversationId));
        }
    }

    [Fact]
    public async Task Start_TenAtOnceIntoOneConversation_EveryPromptIsStoredAndTheConversationUpdated()
    {
        var first = await Generations.StartAsync(Request($"opening {Guid.NewGuid():N}"), LocalUser.Id, LlmHost.RateLimitKey, default);
        var conversationId = first.Started!.ConversationId;
        await WatchToTheEndAsync(first.Started.GenerationId);
        var before = await host.ReadAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => new { c.UpdatedAt, c.Title }).SingleAsync());

        var prompts = Enumerable.Range(0, 10).Select(i => $"follow-up {Guid.NewGuid():N} {i}").ToList();
        var starts = await Task.WhenAll(prompts.Select(p =>
            Generations.StartAsync(Request(p) with { ConversationId = conversationId }, LocalUser.Id, LlmHost.RateLimitKey, default)));

        Assert.All(starts, s => Assert.Empty(s.Errors));
        await Task.WhenAll(starts.Select(s => WatchToTheEndAsync(s.Started!.GenerationId)));
        var stored = await host.ReadAsync(db => db.Messages.Where(m => m.ConversationId == conversationId && m.Role == MessageRole.User)
            .Select(m => m.Content).ToListAsync());
        Assert.Equal(11, stored.Count);
        Assert.Subset(stored.ToHashSet(), prompts.ToHashSet());
        var after = await host.ReadAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => new { c.UpdatedAt, c.Title }).SingleAsync());
        Assert.True(after.UpdatedAt >= before.UpdatedAt);
        Assert.Equal(before.Title, after.Title);
    }

    [Fact]
    public async Task Start_TheDatabaseRefusesOneOfABurst_ItAloneGetsStorageUnavailableAndNothingOfItIsStoredOrPublished()
    {
        const string refused = "a prompt the database refuses";
        // A trigger makes the database refuse this one prompt's insert, as a full disk or a lost file would.
        await host.ReadAsync(db => db.Database.ExecuteSqlRawAsync(
            "CREATE TRIGGER refuse_prompt BEFORE INSERT ON Messages WHEN NEW.Content = '" + refused + "' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"));
        try
        {
            var prompts = Enumerable.Range(0, 20).Select(i => $"beside {Guid.NewGuid():N} {i}").Append(refused).ToList();
            var running = host.Get<ActiveGenerations>();

            var starts = await Task.WhenAll(prompts.Select(p => Generations.StartAsync(Request(p), LocalUser.Id, LlmHost.RateLimitKey, default)));

            var failed = starts[^1];
            Assert.Null(failed.Started);
            Assert.Equal([GenerationErrorCodes.StorageUnavailable], failed.Errors.Select(e => e.Code));
            var others = starts[..^1];
            Assert.All(others, s => Assert.Empty(s.Errors));
            Assert.All(await Task.WhenAll(others.Select(s => WatchToTheEndAsync(s.Started!.GenerationId))), e => Assert.IsType<GenerationCompleted>(e));
            Assert.Equal(0, await host.ReadAsync(db => db.Messages.CountAsync(m => m.Content == refused)));
            Assert.Equal(0, await host.ReadAsync(db => db.Generations.CountAsync(g => !others.Select(s => s.Started!.GenerationId).Contains(g.Id)
                && g.StartedAt > DateTime.UtcNow.AddMinutes(-1) && g.Status == GenerationStatus.Running)));
            Assert.Equal(0, running.Count);
        }
        finally
        {
            await host.ReadAsync(db => db.Database.ExecuteSqlRawAsync("DROP TRIGGER refuse_prompt;"));
        }
    }

    private static GenerationRequest Request(string prompt) => new(null, null, prompt, null, null, null, MaxTokens: 4);

    private async Task<GenerationEvent> WatchToTheEndAsync(Guid generationId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        GenerationEvent? last = null;
        await foreach (var e in Generations.WatchAsync(generationId, null, new Viewer(LocalUser.Id, false), timeout.Token))
            last = e;
        return last!;
    }
}
