using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Generation;

/// <summary>The contract on one instance, in memory; time moves by a fake clock.</summary>
public sealed class InMemoryGenerationEventStreamTests : GenerationEventStreamContract
{
    protected override Streams Create(int replayBufferSize, TimeSpan retainFinishedFor, List<IAsyncDisposable> instances)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var instance = StreamInstance.Create(
        [
            new("Llm:Generation:ReplayBufferSize", replayBufferSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Llm:Generation:RetainFinishedFor", retainFinishedFor.ToString()),
        ], clock);
        instances.Add(instance);
        Assert.IsType<InMemoryGenerationEventStream>(instance.Stream);
        return new Streams(instance.Stream, instance.Stream, () =>
        {
            clock.Advance(retainFinishedFor);
            return Task.CompletedTask;
        });
    }
}
