using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Providers;
using LlmPlatform.Llm.Tests.Limits;
using LlmPlatform.Testing.Stubs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Providers.Balancing;

/// <summary>
/// One openai-compatible provider (the default) with two deployments, <see cref="A"/> and <see cref="B"/>, each on a stub
/// of its own, balanced by <see cref="Strategy"/> with a <see cref="CoolDown"/> on a fake clock. No retries, and circuits
/// that never open, so that only the cool-down passes a deployment over.
/// </summary>
public class BalancingHost : LlmHost
{
    public const string Model = "balanced-model";
    public const string A = "east";
    public const string B = "west";
    public static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(30);

    /// <summary>The provider's name: its own per host family, since cool-downs in Redis are keyed by it.</summary>
    public virtual string Provider => "balanced";

    protected virtual string Strategy => "RoundRobin";

    /// <summary>Set, the host shares cool-downs through the test Redis.</summary>
    protected virtual bool SharesThroughRedis => false;

    public BalancingHost()
        : this(null, null, null)
    {
    }

    /// <summary>The stubs, given by a caller (two hosts serving the same deployments) or started by this host.</summary>
    protected BalancingHost(OpenAICompatibleStub? a, OpenAICompatibleStub? b, FakeTimeProvider? clock)
    {
        (StubA, StubB, _ownsStubs) = (a!, b!, a is null);
        Clock = clock ?? new(DateTimeOffset.UtcNow);
    }

    private readonly bool _ownsStubs;

    public FakeTimeProvider Clock { get; }

    public OpenAICompatibleStub StubA { get; private set; }

    public OpenAICompatibleStub StubB { get; private set; }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => Merge(
    [
        .. base.Settings,
        .. SharesThroughRedis ? [new KeyValuePair<string, string?>("ConnectionStrings:Redis", TestRedis.ConnectionString)] : Array.Empty<KeyValuePair<string, string?>>(),
        new("Llm:DefaultProvider", Provider),
        // openai, whose deployments need keys: the provider itself has none, and is never called with the server's.
        new($"Llm:Providers:{Provider}:Kind", "openai"),
        new($"Llm:Providers:{Provider}:Models:{Model}:ContextWindow", "8192"),
        new($"Llm:Providers:{Provider}:Models:{Model}:MaxOutputTokens", "1024"),
        new($"Llm:Providers:{Provider}:Deployments:0:Name", A),
        new($"Llm:Providers:{Provider}:Deployments:0:Endpoint", StubA.OpenAIEndpoint.ToString()),
        new($"Llm:Providers:{Provider}:Deployments:0:ApiKey", "sk-east"),
        new($"Llm:Providers:{Provider}:Deployments:1:Name", B),
        new($"Llm:Providers:{Provider}:Deployments:1:Endpoint", StubB.OpenAIEndpoint.ToString()),
        new($"Llm:Providers:{Provider}:Deployments:1:ApiKey", "sk-west"),
        new($"Llm:Providers:{Provider}:Balancing:Strategy", Strategy),
        new($"Llm:Providers:{Provider}:Balancing:CoolDown", CoolDown.ToString()),
        new($"Llm:Providers:{Provider}:Resilience:MaxRetries", "0"),
        new($"Llm:Providers:{Provider}:Resilience:MinimumThroughput", "1000"),
    ]);

    public override async Task InitializeAsync()
    {
        if (_ownsStubs)
        {
            StubA = await OpenAICompatibleStub.StartAsync();
            StubB = await OpenAICompatibleStub.StartAsync();
        }
        await base.InitializeAsync();
        foreach (var deployment in Get<ProviderRegistry>().Find(Provider)!.Deployments)
            await WarmUpAsync(deployment.Calls.GetService(Model));
        if (_ownsStubs)
            Reset();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsStubs)
        {
            await StubA.DisposeAsync();
            await StubB.DisposeAsync();
        }
    }

    protected override void ConfigureHost(HostApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);

    public void Reset()
    {
        StubA.Reset();
        StubB.Reset();
    }

    public Task<GenerationStart> StartAsync(string prompt, Guid? userId = null) =>
        Get<GenerationService>().StartAsync(new GenerationRequest(null, null, prompt, null, null, null, null), userId ?? LocalUser.Id, "user:" + Guid.NewGuid(), default);

    /// <summary>Runs a generation on the provider to its end; its final event, which must be a completion.</summary>
    public async Task<GenerationCompleted> RunAsync(string prompt, Guid? userId = null)
    {
        var start = await StartAsync(prompt, userId);
        Assert.Empty(start.Errors);
        var events = await WatchAllAsync(start.Started!.GenerationId, userId: userId);
        Assert.Equal(StubServer.DefaultTokens, events.OfType<TokenChunk>().Select(c => c.Text));
        return Assert.IsType<GenerationCompleted>(events[^1]);
    }
}

/// <summary>The same provider balanced by fewest calls running.</summary>
public sealed class LeastInFlightHost : BalancingHost
{
    protected override string Strategy => "LeastInFlight";
}
