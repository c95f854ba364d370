using System.Globalization;
using LlmPlatform.Llm.Generation;
using static LlmPlatform.Llm.Tests.Generation.TestGenerations;
using LlmPlatform.Llm.Tests.Limits;
using StackExchange.Redis;

namespace LlmPlatform.Llm.Tests.Generation.Redis;

/// <summary>Two instances on one Redis: a generation runs on A and is watched on both.</summary>
public sealed class CrossInstanceStreamTests : IAsyncLifetime
{
    private readonly string _prefix = TestRedis.UniquePrefix();
    private readonly List<StreamInstance> _instances = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
        await TestRedis.DeleteKeysAsync(_prefix);
    }

    [Fact]
    public async Task ManyViewersOnBothInstances_EachGetsEveryChunkInOrderWithTheSameText()
    {
        var (a, b) = Instances(TestRedis.ConnectionString);
        var started = await OpenAsync(a.Stream);
        var viewers = Enumerable.Range(0, 50)
            .Select(i => StreamViewer.Start(i % 2 == 0 ? a.Stream : b.Stream, started.GenerationId))
            .ToList();
        await AppendChunksAsync(a.Stream, started.GenerationId, 0, 2000);
        await CompleteAsync(a.Stream, started.GenerationId, 2000);

        var seen = await Task.WhenAll(viewers.Select(v => v.TakeAllAsync()));

        Assert.All(seen, events =>
        {
            Assert.Equal(started, events[0]);
            Assert.Equal(Enumerable.Range(0, 2000), events.OfType<TokenChunk>().Select(c => c.Index));
            Assert.Equal(Text(0, 2000), string.Concat(events.OfType<TokenChunk>().Select(c => c.Text)));
            Assert.IsType<GenerationCompleted>(events[^1]);
        });
    }

    [Fact]
    public async Task ASlowViewerOnB_DoesNotHoldUpAFastOneThere()
    {
        var (a, b) = Instances(TestRedis.ConnectionString);
        var started = await OpenAsync(a.Stream);
        await using var slow = b.Stream.ReadAsync(started.GenerationId, null, default).GetAsyncEnumerator();
        Assert.True(await slow.MoveNextAsync());
        var fast = StreamViewer.Start(b.Stream, started.GenerationId);

        await AppendChunksAsync(a.Stream, started.GenerationId, 0, 5000);
        await CompleteAsync(a.Stream, started.GenerationId, 5000);
        var fastEvents = await fast.TakeAllAsync();
        var slowEvents = new List<GenerationEvent> { slow.Current };
        while (await slow.MoveNextAsync())
            slowEvents.Add(slow.Current);

        Assert.Equal(5002, fastEvents.Count);
        Assert.Equal(fastEvents, slowEvents);
    }

    [Fact]
    public async Task TenThousandFastAppendsOnA_ArriveOnBCompleteAndInOrder_InFarFewerStreamWritesThanEvents()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var (a, b) = Instances(redis.ConnectionString);
        var started = await OpenAsync(a.Stream);
        var viewer = StreamViewer.Start(b.Stream, started.GenerationId);
        await viewer.TakeUntilStartAsync();
        var before = await XaddCallsAsync(admin);

        await AppendChunksAsync(a.Stream, started.GenerationId, 0, 10_000);
        await CompleteAsync(a.Stream, started.GenerationId, 10_000);
        var events = await viewer.TakeAllAsync();
        var xadds = await XaddCallsAsync(admin) - before;

        Assert.Equal(Enumerable.Range(0, 10_000), events.OfType<TokenChunk>().Select(c => c.Index));
        Assert.Equal(Text(0, 10_000), string.Concat(events.OfType<TokenChunk>().Select(c => c.Text)));
        Assert.IsType<GenerationCompleted>(events[^1]);
        Assert.InRange(xadds, 1, 10_001 / 10);
    }

    [Fact]
    public async Task ACancelRequestOnB_ReachesTheHandlerOnA_AndLeavesAFlagThatAnyInstanceSees()
    {
        var (a, b) = Instances(TestRedis.ConnectionString);
        var generationId = Guid.NewGuid();
        var heard = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = a.Signals.OnCancelRequested(id =>
        {
            heard.TrySetResult(id);
            return ValueTask.CompletedTask;
        });
        await ((LlmPlatform.Llm.Generation.Redis.RedisGenerationSignals)a.Signals).Subscribed;

        await b.Signals.RequestCancelAsync(generationId, default);

        Assert.Equal(generationId, await heard.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await a.Signals.IsCancelRequestedAsync(generationId, default));
        Assert.True(await b.Signals.IsCancelRequestedAsync(generationId, default));
        Assert.False(await a.Signals.IsCancelRequestedAsync(Guid.NewGuid(), default));
    }

    [Fact]
    public async Task WatchedOnB_IsVisibleFromA_ButNotAsAnotherInstancesMarkOnB()
    {
        var (a, b) = Instances(TestRedis.ConnectionString);
        var generationId = Guid.NewGuid();

        await b.Signals.MarkWatchedAsync(generationId, default);

        Assert.NotNull(await a.Signals.LastWatchedAsync(generationId, default));
        Assert.Null(await b.Signals.LastWatchedAsync(generationId, default));
        Assert.Null(await a.Signals.LastWatchedAsync(Guid.NewGuid(), default));
    }

    [Fact]
    public async Task KeysOfAFinishedGeneration_ExpireWithinRetainFinishedFor_AndOfARunningOneWithinRunningStreamTtl()
    {
        var (a, b) = Instances(TestRedis.ConnectionString, ("Llm:Generation:RetainFinishedFor", "00:00:45"), ("Llm:Generation:RunningStreamTtl", "00:30:00"));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.ConnectionString);
        var database = redis.GetDatabase();
        var started = await OpenAsync(a.Stream);
        await AppendChunksAsync(a.Stream, started.GenerationId, 0, 3);
        await StreamViewer.Start(b.Stream, started.GenerationId).TakeThroughAsync(2);
        var whileRunning = await database.KeyTimeToLiveAsync($"{_prefix}{{{started.GenerationId:N}}}:events");

        await CompleteAsync(a.Stream, started.GenerationId, 3);
        await StreamViewer.Start(b.Stream, started.GenerationId).TakeAllAsync();
        var events = await database.KeyTimeToLiveAsync($"{_prefix}{{{started.GenerationId:N}}}:events");
        var start = await database.KeyTimeToLiveAsync($"{_prefix}{{{started.GenerationId:N}}}:start");

        Assert.InRange(whileRunning!.Value, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30));
        Assert.InRange(events!.Value, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(45));
        Assert.InRange(start!.Value, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(45));
    }

    private (StreamInstance A, StreamInstance B) Instances(string redis, params (string Key, string Value)[] more)
    {
        var settings = RedisStreamSettings.For(redis, _prefix, more);
        var a = StreamInstance.Create(settings);
        var b = StreamInstance.Create(settings);
        _instances.Add(a);
        _instances.Add(b);
        return (a, b);
    }

    private static async Task<long> XaddCallsAsync(IConnectionMultiplexer admin)
    {
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var stats = await server.InfoAsync("commandstats");
        var xadd = stats.SelectMany(g => g).FirstOrDefault(p => p.Key == "cmdstat_xadd").Value;
        // "calls=12,usec=…"
        return xadd is null ? 0 : long.Parse(xadd.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture);
    }
}
