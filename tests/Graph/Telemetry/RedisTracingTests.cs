using System.Diagnostics;
using LlmPlatform.Graph.Tests.Generation;
using LlmPlatform.Graph.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace LlmPlatform.Graph.Tests.Telemetry;

/// <summary>A generation on Redis (its event stream, its signals) shows its Redis commands as spans in the trace.</summary>
public sealed class RedisTracingTests
{
    [Fact]
    public async Task Generation_OnRedis_ProducesRedisSpans()
    {
        var spans = new List<Activity>();
        await using var servers = await TestServers.Sqlite().WithRedis()
            .WithServices(services => services.ConfigureOpenTelemetryTracerProvider(traces => traces.AddInMemoryExporter(new LockedSpanList(spans))))
            .StartAsync();
        var server = servers[0];

        var started = await server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt()));
        var finished = await server.WaitUntilFinishedAsync(started.String("id")!);
        Assert.Equal("COMPLETED", finished.String("status"));

        var deadline = DateTime.UtcNow + GenerationStreams.Wait;
        while (!Snapshot(spans).Any(IsRedis) && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        var redis = Snapshot(spans).Where(IsRedis).ToList();
        Assert.NotEmpty(redis);
        Assert.All(redis, s => Assert.Equal(ActivityKind.Client, s.Kind));
        // Commands sent while the generation ran are in its trace, beneath its spans.
        // (Spans are process-wide: other tests' generations may be here too.)
        var id = TelemetryApi.GenerationIdOf(started).ToString();
        var chat = Snapshot(spans).Single(s => (string?)s.GetTagItem("llmplatform.generation.id") == id);
        Assert.Contains(redis, s => s.TraceId == chat.TraceId && s.ParentSpanId != default);
    }

    private static bool IsRedis(Activity span) => (string?)(span.GetTagItem("db.system.name") ?? span.GetTagItem("db.system")) == "redis";

    private static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans)
            return [.. spans];
    }
}
