using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Tests.Limits;

namespace LlmPlatform.Llm.Tests.Caching;

public sealed class RedisResponseCacheTests
{
    [Fact]
    public async Task ReplyStoredByOneInstance_IsReplayedByAnother_WithoutCallingItsProvider()
    {
        var prefix = TestRedis.UniquePrefix();
        await using var first = await RedisCachingHost.StartAsync(prefix);
        await using var second = await RedisCachingHost.StartAsync(prefix);
        try
        {
            var prompt = $"shared between instances ({Guid.NewGuid():N})";

            var original = await first.GenerateAsync(prompt);
            var replayed = await second.GenerateAsync(prompt);

            Assert.Equal(1, first.CallsFor(prompt));
            Assert.Equal(0, second.CallsFor(prompt));
            Assert.Equal(Text(original), Text(replayed));
            Assert.Equal(Enumerable.Range(0, replayed.OfType<TokenChunk>().Count()), replayed.OfType<TokenChunk>().Select(c => c.Index));
            Assert.True(Assert.IsType<GenerationCompleted>(replayed[^1]).Usage.Cached);
        }
        finally
        {
            await TestRedis.DeleteKeysAsync(prefix);
        }
    }

    private static string Text(IEnumerable<GenerationEvent> events) => string.Concat(events.OfType<TokenChunk>().Select(c => c.Text));
}
