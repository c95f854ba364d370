using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Generation;

/// <summary>Signals on a single instance, in memory.</summary>
public sealed class GenerationSignalsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private StreamInstance _instance = null!;

    public Task InitializeAsync()
    {
        _instance = StreamInstance.Create([new("Llm:Generation:SignalTtl", "00:10:00")], _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _instance.DisposeAsync();

    [Fact]
    public async Task RequestCancel_ReachesTheHandlersHere_AndLeavesAFlagUntilSignalTtl()
    {
        var signals = _instance.Signals;
        Assert.IsType<InMemoryGenerationSignals>(signals);
        var generationId = Guid.NewGuid();
        var heard = new List<Guid>();
        using (signals.OnCancelRequested(id =>
        {
            heard.Add(id);
            return ValueTask.CompletedTask;
        }))
        {
            await signals.RequestCancelAsync(generationId, default);
        }
        await signals.RequestCancelAsync(Guid.NewGuid(), default);

        Assert.Equal([generationId], heard);
        Assert.True(await signals.IsCancelRequestedAsync(generationId, default));
        Assert.False(await signals.IsCancelRequestedAsync(Guid.NewGuid(), default));
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.False(await signals.IsCancelRequestedAsync(generationId, default));
    }

    [Fact]
    public async Task RequestCancel_AHandlerThatThrows_DoesNotKeepTheOthersFromHearing()
    {
        var signals = _instance.Signals;
        var heard = false;
        using var broken = signals.OnCancelRequested(_ => throw new InvalidOperationException("broken"));
        using var working = signals.OnCancelRequested(_ =>
        {
            heard = true;
            return ValueTask.CompletedTask;
        });

        await signals.RequestCancelAsync(Guid.NewGuid(), default);

        Assert.True(heard);
    }

    [Fact]
    public async Task LastWatched_OnASingleInstance_IsNeverAnotherInstances()
    {
        var generationId = Guid.NewGuid();

        await _instance.Signals.MarkWatchedAsync(generationId, default);

        Assert.Null(await _instance.Signals.LastWatchedAsync(generationId, default));
    }
}
