using LlmPlatform.Data.Queries;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Providers;
using LlmPlatform.Testing.Stubs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Tests.Providers;

/// <summary>
/// The data and LLM layers with one provider pointed at a stub server (started first, so its address can go into
/// the settings), logs captured, and the connector's path warmed up so a test's timeouts measure the stub, not the JIT.
/// </summary>
public abstract class StubbedProviderHost : LlmHost
{
    /// <summary>Shaped like a real key, so a leak would be found by a plain search.</summary>
    public const string ApiKey = "sk-stub-5c1e9a0f7d3b4e28b6a4c2f0e8d7b9a1";

    public CapturedLogs Logs { get; } = new();

    public abstract StubServer Stub { get; }

    /// <summary>The provider's configured name.</summary>
    public abstract string Provider { get; }

    public abstract string Model { get; }

    /// <summary>Llm:Generation:ProviderIdleTimeout: long enough for a loaded machine, short enough to wait out in a test.</summary>
    public virtual TimeSpan IdleTimeout => TimeSpan.FromSeconds(1);

    /// <summary>The kind as configuration spells it.</summary>
    protected abstract string Kind { get; }

    protected abstract Uri Endpoint { get; }

    /// <summary>Settings besides the provider's kind, endpoint, key and model; retries are off unless a host turns them on.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ProviderSettings => [];

    /// <summary>The base settings, then the provider's, then <see cref="ProviderSettings"/>: a later value for a key wins.</summary>
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => Merge(
    [
        .. base.Settings,
        new($"Llm:Providers:{Provider}:Kind", Kind),
        new($"Llm:Providers:{Provider}:Endpoint", Endpoint.ToString()),
        new($"Llm:Providers:{Provider}:ApiKey", ApiKey),
        new($"Llm:Providers:{Provider}:Models:{Model}:ContextWindow", "8192"),
        new($"Llm:Providers:{Provider}:Models:{Model}:MaxOutputTokens", "1024"),
        new($"Llm:Providers:{Provider}:Resilience:MaxRetries", "0"),
        new("Llm:Generation:ProviderIdleTimeout", IdleTimeout.ToString()),
        .. ProviderSettings,
    ]);

    protected abstract Task StartStubAsync();

    public override async Task InitializeAsync()
    {
        await StartStubAsync();
        await base.InitializeAsync();
        await WarmUpAsync(Provider, Model);
        Stub.Reset();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stub.DisposeAsync();
    }

    protected override void ConfigureHost(HostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        // Request headers (Authorization, api-key) are logged at Trace: capture them to prove they are redacted.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Trace);
        builder.Logging.AddProvider(Logs);
    }

    /// <summary>Starts a generation on this host's provider and model as the local user.</summary>
    public async Task<GenerationStarted> StartAsync(string prompt, Guid? conversationId = null, int? maxTokens = null, string? model = null, double? topP = null)
    {
        var start = await TryStartAsync(prompt, conversationId, maxTokens, model, topP);
        Assert.Empty(start.Errors);
        return start.Started!;
    }

    /// <summary>Asks to start a generation on this host's provider and model as <paramref name="userId"/> (the local user by default), which may be refused.</summary>
    public Task<GenerationStart> TryStartAsync(
        string prompt, Guid? conversationId = null, int? maxTokens = null, string? model = null, double? topP = null, Guid? userId = null, string rateLimitKey = LlmHost.RateLimitKey) =>
        Get<GenerationService>().StartAsync(
            new GenerationRequest(conversationId, null, prompt, Provider, model ?? Model, null, maxTokens, topP), userId ?? LocalUser.Id, rateLimitKey, default);
}

/// <summary>Kind <c>openai</c> with its endpoint moved to the stub.</summary>
public class OpenAIHost : StubbedProviderHost
{
    private OpenAICompatibleStub? _stub;

    public OpenAICompatibleStub OpenAIStub => _stub!;

    public override StubServer Stub => _stub!;

    public override string Provider => "openai";

    public override string Model => "gpt-stub";

    protected override string Kind => "openai";

    protected override Uri Endpoint => _stub!.OpenAIEndpoint;

    protected override async Task StartStubAsync() => _stub = await OpenAICompatibleStub.StartAsync();
}

/// <summary>Kind <c>azure-openai</c>: the model is the deployment.</summary>
public class AzureOpenAIHost : StubbedProviderHost
{
    private OpenAICompatibleStub? _stub;

    public OpenAICompatibleStub OpenAIStub => _stub!;

    public override StubServer Stub => _stub!;

    public override string Provider => "azure";

    public override string Model => "stub-deployment";

    protected override string Kind => "Azure-OpenAI";

    protected override Uri Endpoint => _stub!.AzureEndpoint;

    protected override async Task StartStubAsync() => _stub = await OpenAICompatibleStub.StartAsync();
}

/// <summary>
/// Kind <c>openai-compatible</c> (vLLM, llama.cpp, LM Studio, Ollama's /v1), its endpoint written the way their
/// documentation writes it: the API root without a trailing slash.
/// </summary>
public class OpenAICompatibleHost : StubbedProviderHost
{
    private OpenAICompatibleStub? _stub;

    public OpenAICompatibleStub OpenAIStub => _stub!;

    public override StubServer Stub => _stub!;

    public override string Provider => "local";

    public override string Model => "qwen-stub";

    protected override string Kind => "openai-compatible";

    protected override Uri Endpoint => new(_stub!.BaseAddress, "v1");

    protected override async Task StartStubAsync() => _stub = await OpenAICompatibleStub.StartAsync();
}

/// <summary>
/// Kind <c>ollama</c>: OllamaSharp's native API, behind a reverse proxy that serves it under <c>/ollama</c> (written
/// without a trailing slash) and wants a bearer key.
/// </summary>
public class OllamaHost : StubbedProviderHost
{
    private OllamaStub? _stub;

    public override StubServer Stub => _stub!;

    public override string Provider => "ollama";

    public override string Model => "llama-stub";

    protected override string Kind => "ollama";

    protected override Uri Endpoint => new(_stub!.Endpoint, "ollama");

    protected override async Task StartStubAsync() => _stub = await OllamaStub.StartAsync();
}
