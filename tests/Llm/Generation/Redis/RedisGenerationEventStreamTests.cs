using System.Globalization;
using LlmPlatform.Llm.Generation.Redis;
using LlmPlatform.Llm.Tests.Limits;

namespace LlmPlatform.Llm.Tests.Generation.Redis;

/// <summary>
/// The contract across two instances on one Redis: the generation runs on one, the viewer watches on the other, so
/// every event goes through Redis (and the retention is Redis's own expiry).
/// </summary>
public sealed class RedisGenerationEventStreamTests : GenerationEventStreamContract
{
    private readonly string _prefix = TestRedis.UniquePrefix();

    protected override Streams Create(int replayBufferSize, TimeSpan retainFinishedFor, List<IAsyncDisposable> instances)
    {
        var settings = RedisStreamSettings.For(TestRedis.ConnectionString, _prefix,
            ("Llm:Generation:ReplayBufferSize", replayBufferSize.ToString(CultureInfo.InvariantCulture)),
            ("Llm:Generation:RetainFinishedFor", retainFinishedFor.ToString()));
        var writer = StreamInstance.Create(settings);
        var reader = StreamInstance.Create(settings);
        instances.Add(writer);
        instances.Add(reader);
        Assert.IsType<RedisGenerationEventStream>(writer.Stream);
        return new Streams(writer.Stream, reader.Stream, () => Task.CompletedTask);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await TestRedis.DeleteKeysAsync(_prefix);
    }
}
