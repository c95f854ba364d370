using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Llm.Generation;

/// <summary>On shutdown, cancels running generations and waits for their partial replies to be stored.</summary>
internal sealed class GenerationShutdown(ActiveGenerations active) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await active.CancelAllAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out first; nothing more can be waited for.
        }
    }
}
