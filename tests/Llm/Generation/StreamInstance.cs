using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Llm.Tests.Generation;

/// <summary>One instance's generation event stream and signals, registered as the server registers them.</summary>
public sealed class StreamInstance : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StreamInstance(ServiceProvider services) => _services = services;

    public IGenerationEventStream Stream => _services.GetRequiredService<IGenerationEventStream>();

    public IGenerationSignals Signals => _services.GetRequiredService<IGenerationSignals>();

    public static StreamInstance Create(IEnumerable<KeyValuePair<string, string?>> settings, TimeProvider? clock = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddOptions<GenerationOptions>().BindConfiguration(GenerationOptions.Section);
        builder.Services.AddSingleton(clock ?? TimeProvider.System);
        builder.AddGenerationStreams();
        return new StreamInstance(builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
