using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Providers.Echo;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Llm.Tests.Generation;

public sealed class GenerationServiceTests(LlmHost host) : IClassFixture<LlmHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private GenerationService Generations => host.Get<GenerationService>();

    [Fact]
    public async Task Generate_Echo_StreamsGapFreeChunksThatConcatenateToTheStoredMessage()
    {
        var started = await StartAsync("tell me a story");

        var events = await WatchAllAsync(started.GenerationId, after: null);

        Assert.IsType<GenerationStarted>(events[0]);
        var chunks = events.OfType<TokenChunk>().ToList();
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
        Assert.Equal(string.Concat(EchoChatCompletionService.ReplyTokens("tell me a story", 12)), string.Concat(chunks.Select(c => c.Text)));
        var completed = Assert.IsType<GenerationCompleted>(events[^1]);
        var stored = await host.ReadAsync(db => db.Messages.SingleAsync(m => m.Id == completed.MessageId));
        Assert.Equal(string.Concat(chunks.Select(c => c.Text)), stored.Content);
        Assert.Equal(MessageRole.Assistant, stored.Role);
        Assert.Equal(FinishReason.Stop, stored.FinishReason);
        Assert.Equal(started.GenerationId, stored.GenerationId);
    }

    [Fact]
    public async Task Generate_StoresThePromptAndOneUsageEventInANewConversation()
    {
        var started = await StartAsync("what is the capital of Portugal?");
        await WatchAllAsync(started.GenerationId, after: null);

        var conversation = await host.ReadAsync(db => db.Conversations.Include(c => c.Messages).SingleAsync(c => c.Id == started.ConversationId));
        Assert.Equal("what is the capital of Portugal?", conversation.Title);
        Assert.Equal(LocalUser.Id, conversation.OwnerId);
        Assert.Equal([MessageRole.User, MessageRole.Assistant], conversation.Messages.OrderBy(m => m.Id).Select(m => m.Role));
        var usage = await host.ReadAsync(db => db.UsageEvents.SingleAsync(u => u.GenerationId == started.GenerationId));
        Assert.Equal(GenerationStatus.Completed, usage.Status);
        Assert.Equal("echo", usage.Provider);
        Assert.True(usage.TokensEstimated, "echo reports no usage, so tokens are counted");
        Assert.True(usage.PromptTokens > 0 && usage.CompletionTokens > 0);
    }

    [Fact]
    public async Task Watch_LateJoinerAndResumeAfterAnIndex_SeeTheSameSequence()
    {
        var started = await StartAsync("one two three four five");
        var first = await WatchAllAsync(started.GenerationId, after: null);
        var late = await WatchAllAsync(started.GenerationId, after: null);
        var resumed = await WatchAllAsync(started.GenerationId, after: 4);

        Assert.Equal(first.Select(Describe), late.Select(Describe));
        Assert.Equal(first.OfType<TokenChunk>().Skip(5).Select(Describe), resumed.OfType<TokenChunk>().Select(Describe));
        Assert.IsType<GenerationCompleted>(resumed[^1]);
    }

    [Fact]
    public async Task Start_BadInput_IsRefusedAndWritesNothing()
    {
        var before = await host.ReadAsync(db => db.Messages.CountAsync());
        var unknownConversation = await Generations.StartAsync(new GenerationRequest(Guid.NewGuid(), null, "hi", null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);
        var emptyPrompt = await Generations.StartAsync(new GenerationRequest(null, null, "  ", null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);
        var badSettings = await Generations.StartAsync(new GenerationRequest(null, null, "hi", null, null, 2.5, 0, TopP: 1.5), LocalUser.Id, LlmHost.RateLimitKey, default);
        var unknownProvider = await Generations.StartAsync(new GenerationRequest(null, null, "hi", "nope", null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);
        var unknownModel = await Generations.StartAsync(new GenerationRequest(null, null, "hi", "echo", "gpt-9", null, null), LocalUser.Id, LlmHost.RateLimitKey, default);

        Assert.Equal(["conversationId"], unknownConversation.Errors.Select(e => e.Field));
        Assert.Equal([GenerationErrorCodes.Required], emptyPrompt.Errors.Select(e => e.Code));
        Assert.Equal(["temperature", "maxTokens", "topP"], badSettings.Errors.Select(e => e.Field));
        Assert.Equal([GenerationErrorCodes.UnknownProvider], unknownProvider.Errors.Select(e => e.Code));
        Assert.Equal([GenerationErrorCodes.UnknownModel], unknownModel.Errors.Select(e => e.Code));
        Assert.Equal(before, await host.ReadAsync(db => db.Messages.CountAsync()));
    }

    [Fact]
    public async Task Generate_MaxTokensBelowTheReply_StopsThereWithFinishReasonLength()
    {
        var start = await Generations.StartAsync(new GenerationRequest(null, null, "a b c", null, null, null, MaxTokens: 3), LocalUser.Id, LlmHost.RateLimitKey, default);
        var events = await WatchAllAsync(start.Started!.GenerationId, after: null);

        Assert.Equal(3, events.OfType<TokenChunk>().Count());
        var completed = Assert.IsType<GenerationCompleted>(events[^1]);
        Assert.Equal(FinishReason.Length, await host.ReadAsync(db => db.Messages.Where(m => m.Id == completed.MessageId).Select(m => m.FinishReason).SingleAsync()));
    }

    [Fact]
    public async Task Generate_InAnExistingConversation_SendsTheEarlierTurns()
    {
        var first = await StartAsync("remember the word banana");
        await WatchAllAsync(first.GenerationId, after: null);
        var second = await Generations.StartAsync(
            new GenerationRequest(first.ConversationId, null, "what word?", null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);
        await WatchAllAsync(second.Started!.GenerationId, after: null);

        var usage = await host.ReadAsync(db => db.UsageEvents.SingleAsync(u => u.GenerationId == second.Started.GenerationId));
        var alone = await host.ReadAsync(db => db.UsageEvents.SingleAsync(u => u.GenerationId == first.GenerationId));
        Assert.True(usage.PromptTokens > alone.PromptTokens, "the second prompt carries the first exchange");
        Assert.Equal(4, await host.ReadAsync(db => db.Messages.CountAsync(m => m.ConversationId == first.ConversationId)));
    }

    private async Task<GenerationStarted> StartAsync(string prompt)
    {
        var start = await Generations.StartAsync(new GenerationRequest(null, null, prompt, null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);
        Assert.Empty(start.Errors);
        return start.Started!;
    }

    private async Task<List<GenerationEvent>> WatchAllAsync(Guid generationId, int? after)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var events = new List<GenerationEvent>();
        await foreach (var e in Generations.WatchAsync(generationId, after, new Viewer(LocalUser.Id, false), timeout.Token))
            events.Add(e);
        return events;
    }

    private static string Describe(GenerationEvent e) => e switch
    {
        TokenChunk chunk => $"{chunk.Index}:{chunk.Text}",
        _ => e.GetType().Name,
    };
}

public sealed class GenerationCancellationTests(SlowEchoHost host) : IClassFixture<SlowEchoHost>
{
    private GenerationService Generations => host.Get<GenerationService>();

    [Fact]
    public async Task Cancel_MidReply_StoresThePartialMessageAsCancelled()
    {
        var start = await Generations.StartAsync(new GenerationRequest(null, null, "count to a thousand", null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);
        var id = start.Started!.GenerationId;
        var events = new List<GenerationEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var e in Generations.WatchAsync(id, null, new Viewer(LocalUser.Id, false), timeout.Token))
        {
            events.Add(e);
            if (e is TokenChunk { Index: 2 })
                Assert.NotNull(await Generations.CancelAsync(id, new Viewer(LocalUser.Id, false), default));
        }

        var completed = Assert.IsType<GenerationCompleted>(events[^1]);
        var message = await host.ReadAsync(db => db.Messages.SingleAsync(m => m.Id == completed.MessageId));
        Assert.Equal(FinishReason.Cancelled, message.FinishReason);
        Assert.Equal(string.Concat(events.OfType<TokenChunk>().Select(c => c.Text)), message.Content);
        Assert.InRange(events.OfType<TokenChunk>().Count(), 3, 20);
        Assert.Equal(GenerationStatus.Cancelled, await host.ReadAsync(db => db.UsageEvents.Where(u => u.GenerationId == id).Select(u => u.Status).SingleAsync()));
    }

    [Fact]
    public async Task LastViewerLeaves_TheGenerationIsCancelledAndItsPartialReplyStored()
    {
        var start = await Generations.StartAsync(new GenerationRequest(null, null, "go on forever", null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);
        var id = start.Started!.GenerationId;
        using (var leave = new CancellationTokenSource())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var e in Generations.WatchAsync(id, null, new Viewer(LocalUser.Id, false), leave.Token))
                {
                    if (e is TokenChunk { Index: 1 })
                        await leave.CancelAsync();
                }
            });
        }

        var status = await WaitForUsageStatusAsync(id);
        Assert.Equal(GenerationStatus.Cancelled, status);
        // The row is stored just before the generation leaves the running set.
        for (var i = 0; i < 100 && host.Get<ActiveGenerations>().IsRunning(id); i++)
            await Task.Delay(20);
        Assert.False(host.Get<ActiveGenerations>().IsRunning(id));
    }

    [Fact]
    public async Task Cancel_SomeoneElsesGeneration_IsRefused()
    {
        var start = await Generations.StartAsync(new GenerationRequest(null, null, "mine", null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);
        Assert.Null(await Generations.CancelAsync(start.Started!.GenerationId, new Viewer(Guid.NewGuid(), false), default));
        await Assert.ThrowsAsync<GenerationStreamException>(async () =>
        {
            await foreach (var e in Generations.WatchAsync(start.Started.GenerationId, null, new Viewer(Guid.NewGuid(), false), default))
                Assert.Fail("a stranger must not see any event");
        });
        Assert.NotNull(await Generations.CancelAsync(start.Started.GenerationId, new Viewer(LocalUser.Id, false), default));
    }

    private async Task<GenerationStatus> WaitForUsageStatusAsync(Guid generationId)
    {
        for (var i = 0; i < 200; i++)
        {
            var status = await host.ReadAsync(db => db.UsageEvents.Where(u => u.GenerationId == generationId).Select(u => (GenerationStatus?)u.Status).SingleOrDefaultAsync());
            if (status is { } done)
                return done;
            await Task.Delay(50);
        }
        throw new TimeoutException("The generation was never stored.");
    }
}
