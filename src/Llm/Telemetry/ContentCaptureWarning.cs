using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Llm.Telemetry;

/// <summary>Says at start-up, loudly, that prompts and replies are being exported with the traces.</summary>
internal sealed partial class ContentCaptureWarning(IOptions<ContentCaptureOptions> options, ILogger<ContentCaptureWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.CaptureContent)
            LogCapturing(logger, options.Value.MaxCapturedContentLength);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 3580, Level = LogLevel.Warning,
        Message = "Telemetry:CaptureContent is on: generation spans carry users' prompts and replies (up to {MaxLength} characters each); whoever reads the traces reads them")]
    private static partial void LogCapturing(ILogger logger, int maxLength);
}
