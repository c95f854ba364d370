using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Tests.Limits;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Llm.Tests.Generation.Redis;

/// <summary>The whole pipeline on two instances sharing Redis: a generation started on A, watched through B.</summary>
public sealed class CrossInstanceGenerationTests
{
    [Fact]
    public async Task AGenerationStartedOnA_WatchedOnB_StreamsTheStoredReplyGapFree_AndResumesThereAfterAnIndex()
    {
        var prefix = TestRedis.UniquePrefix();
        var a = new RedisStreamHost(prefix);
        var b = new RedisStreamHost(prefix);
        try
        {
            await a.InitializeAsync();
            await b.InitializeAsync();
            var start = await a.Get<GenerationService>().StartAsync(
                new GenerationRequest(null, null, "tell me a long story", null, null, null, null), LocalUser.Id, LlmHost.RateLimitKey, default);
            var id = start.Started!.GenerationId;

            var watched = await WatchAsync(b, id, after: null);
            var resumed = await WatchAsync(b, id, after: 100);

            Assert.Equal(start.Started, watched[0]);
            var chunks = watched.OfType<TokenChunk>().ToList();
            Assert.Equal(Enumerable.Range(0, 300), chunks.Select(c => c.Index));
            var completed = Assert.IsType<GenerationCompleted>(watched[^1]);
            var stored = await a.ReadAsync(db => db.Messages.SingleAsync(m => m.Id == completed.MessageId));
            Assert.Equal(MessageRole.Assistant, stored.Role);
            Assert.Equal(stored.Content, string.Concat(chunks.Select(c => c.Text)));
            Assert.Equal(chunks.Skip(101), resumed.OfType<TokenChunk>());
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
            await TestRedis.DeleteKeysAsync(prefix);
        }
    }

    private static async Task<List<GenerationEvent>> WatchAsync(LlmHost host, Guid generationId, int? after)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var events = new List<GenerationEvent>();
        await foreach (var e in host.Get<GenerationService>().WatchAsync(generationId, after, new Viewer(LocalUser.Id, false), timeout.Token))
            events.Add(e);
        return events;
    }

    /// <summary>One instance, on a database of its own and the test Redis; its echo provider replies in 300 tokens.</summary>
    private sealed class RedisStreamHost(string keyPrefix) : LlmHost
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            .. base.Settings.Where(s => s.Key != "Llm:Providers:echo:EchoReplyTokens"),
            new("Llm:Providers:echo:EchoReplyTokens", "300"),
            new("ConnectionStrings:Redis", TestRedis.ConnectionString),
            new("Llm:Generation:RedisKeyPrefix", keyPrefix),
            new("Llm:RateLimits:RedisKeyPrefix", keyPrefix + "limits:"),
        ];
    }
}
