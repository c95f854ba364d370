using System.Globalization;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Testing.Stubs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace LlmPlatform.Llm.Tests.Providers.Routing;

/// <summary>
/// Two openai-compatible providers, each on a stub of its own, and the route <see cref="Route"/> that tries
/// <see cref="First"/> then <see cref="Second"/>. Rate limits are on (<see cref="RequestsPerMinute"/> per caller; tokens
/// only where a subclass says). Circuits count on a fake clock; they open only where a subclass says.
/// </summary>
public class FailoverHost : LlmHost
{
    public const string Route = "chat";
    public const string First = "first";
    public const string Second = "second";
    public const string FirstModel = "first-model";
    public const string SecondModel = "second-model";
    public const int RequestsPerMinute = 3;
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);
    // Long enough that a loaded machine does not make a healthy first target look silent.
    public static readonly TimeSpan FirstTokenTimeout = TimeSpan.FromSeconds(3);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public OpenAICompatibleStub FirstStub { get; private set; } = null!;

    public OpenAICompatibleStub SecondStub { get; private set; } = null!;

    /// <summary>Attempts before a circuit may open: by default more than any test makes, so none opens.</summary>
    protected virtual int MinimumThroughput => 1000;

    /// <summary>Tokens a minute per caller; 0 for no limit.</summary>
    protected virtual int TokensPerMinute => 0;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => Merge(
    [
        .. base.Settings,
        .. Provider(First, FirstModel, FirstStub),
        .. Provider(Second, SecondModel, SecondStub),
        new($"Llm:Routes:{Route}:0:Provider", First),
        new($"Llm:Routes:{Route}:0:Model", FirstModel),
        new($"Llm:Routes:{Route}:1:Provider", Second),
        new($"Llm:Routes:{Route}:1:Model", SecondModel),
        new("Llm:Routing:FirstTokenTimeout", FirstTokenTimeout.ToString()),
        new("Llm:Generation:ProviderIdleTimeout", "00:00:10"),
        new("Llm:RateLimits:Enabled", "true"),
        new("Llm:RateLimits:RequestsPerMinute", RequestsPerMinute.ToString(CultureInfo.InvariantCulture)),
        new("Llm:RateLimits:TokensPerMinute", TokensPerMinute.ToString(CultureInfo.InvariantCulture)),
        new("Llm:RateLimits:TokensPerDay", "0"),
    ]);

    private IEnumerable<KeyValuePair<string, string?>> Provider(string name, string model, OpenAICompatibleStub stub) =>
    [
        new($"Llm:Providers:{name}:Kind", "openai-compatible"),
        new($"Llm:Providers:{name}:Endpoint", stub.OpenAIEndpoint.ToString()),
        new($"Llm:Providers:{name}:ApiKey", "sk-" + name),
        new($"Llm:Providers:{name}:Models:{model}:ContextWindow", "8192"),
        new($"Llm:Providers:{name}:Models:{model}:MaxOutputTokens", "1024"),
        new($"Llm:Providers:{name}:Models:{model}:InputCostPerMillion", "1"),
        new($"Llm:Providers:{name}:Resilience:MaxRetries", "0"),
        new($"Llm:Providers:{name}:Resilience:FailureRatio", "0.5"),
        new($"Llm:Providers:{name}:Resilience:MinimumThroughput", MinimumThroughput.ToString(CultureInfo.InvariantCulture)),
        new($"Llm:Providers:{name}:Resilience:SamplingDuration", "00:01:00"),
        new($"Llm:Providers:{name}:Resilience:BreakDuration", BreakDuration.ToString()),
    ];

    public override async Task InitializeAsync()
    {
        FirstStub = await OpenAICompatibleStub.StartAsync();
        SecondStub = await OpenAICompatibleStub.StartAsync();
        await base.InitializeAsync();
        await WarmUpAsync(First, FirstModel);
        await WarmUpAsync(Second, SecondModel);
        Reset();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await FirstStub.DisposeAsync();
        await SecondStub.DisposeAsync();
    }

    protected override void ConfigureHost(HostApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);

    public void Reset()
    {
        FirstStub.Reset();
        SecondStub.Reset();
    }

    /// <summary>Asks for a generation on the route (or on <paramref name="provider"/> alone), counted against <paramref name="caller"/>.</summary>
    public Task<GenerationStart> TryStartAsync(string prompt, string caller, string? provider = null, double? temperature = null, bool? cache = null) =>
        Get<GenerationService>().StartAsync(
            new GenerationRequest(null, null, prompt, provider, null, temperature, null, Cache: cache, Route: provider is null ? Route : null),
            LocalUser.Id, caller, default);

    /// <summary>Runs a generation to its end and returns its events.</summary>
    public async Task<(GenerationStarted Started, List<GenerationEvent> Events)> RunAsync(string prompt, string caller, string? provider = null, double? temperature = null, bool? cache = null)
    {
        var start = await TryStartAsync(prompt, caller, provider, temperature, cache);
        Assert.Empty(start.Errors);
        return (start.Started!, await WatchAllAsync(start.Started!.GenerationId));
    }
}

/// <summary>
/// The same two providers, whose circuits open once half the attempts (two at least) failed; one token a minute per
/// caller, so that any token charged shows.
/// </summary>
public sealed class BreakingFailoverHost : FailoverHost
{
    protected override int MinimumThroughput => 2;

    protected override int TokensPerMinute => 1;
}
