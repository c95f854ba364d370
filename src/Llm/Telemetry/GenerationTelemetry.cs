using System.Diagnostics;
using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Generation;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel.ChatCompletion;
using static LlmPlatform.Llm.Telemetry.LlmMetrics;

namespace LlmPlatform.Llm.Telemetry;

/// <summary>
/// What one generation tells operators: its provider span (a child of the GraphQL operation that started it), its log
/// scope, its timings, and the metrics recorded once it ends. Timestamps come from <see cref="Stopwatch"/>, taken at
/// four points only, so measuring adds no cost per token.
/// </summary>
/// <remarks>
/// The server's overhead is two spans of time it spends before the first token reaches the viewers: from
/// <c>receivedAt</c> (the transport began executing the GraphQL operation; the request start when not called from
/// GraphQL) to the provider request, and from the provider's first chunk to its publication on the generation's event
/// stream — the point where every viewer, on any instance, can send it; the socket write after that is paced by each
/// client and is not counted.
/// </remarks>
internal sealed class GenerationTelemetry : IDisposable
{
    private readonly LlmMetrics _metrics;
    private readonly GenerationStarted _started;
    private readonly long _receivedAt;
    private readonly Activity? _activity;
    private readonly IDisposable? _logScope;
    private readonly ContentCaptureOptions _capture;
    private long _providerRequestedAt;
    private long _firstChunkAt;
    private long _firstChunkPublishedAt;

    /// <param name="history">The messages sent to the provider: on the span only when <paramref name="capture"/> says so.</param>
    public GenerationTelemetry(LlmMetrics metrics, ILogger logger, GenerationStarted started, long receivedAt, ContentCaptureOptions capture, ChatHistory history)
    {
        _metrics = metrics;
        _capture = capture;
        _started = started;
        _receivedAt = receivedAt;
        _logScope = logger.BeginScope(new Dictionary<string, object>
        {
            ["GenerationId"] = started.GenerationId,
            ["UserId"] = started.OwnerId,
            ["Provider"] = started.Provider,
            ["Model"] = started.Model,
        });
        _activity = LlmActivitySource.Instance.StartActivity($"{GenAiInstruments.ChatOperation} {started.Model}", ActivityKind.Client);
        _activity?.SetTag(TagNames.Operation, GenAiInstruments.ChatOperation)
            .SetTag(TagNames.Provider, started.Provider)
            .SetTag(TagNames.Model, started.Model)
            .SetTag("llmplatform.generation.id", started.GenerationId.ToString());
        if (Captures)
        {
            _activity!.SetTag(CapturedContent.SystemInstructions, CapturedContent.SystemInstructionsOf(history, capture.MaxCapturedContentLength))
                .SetTag(CapturedContent.InputMessages, CapturedContent.InputMessagesOf(history, capture.MaxCapturedContentLength));
        }
        metrics.GenerationBegan();
    }

    /// <summary>Just before the provider is asked: the end of the server's work before the call.</summary>
    public void ProviderRequesting() => _providerRequestedAt = Stopwatch.GetTimestamp();

    /// <summary>A chunk with text arrived; true for the first one, whose publication the caller then reports.</summary>
    public bool ChunkArrived()
    {
        if (_firstChunkAt != 0)
            return false;
        _firstChunkAt = Stopwatch.GetTimestamp();
        return true;
    }

    /// <summary>The first chunk is on the event stream: the viewers can send it.</summary>
    public void FirstChunkPublished() => _firstChunkPublishedAt = Stopwatch.GetTimestamp();

    /// <summary>Milliseconds from the provider request to its first chunk; null when none came.</summary>
    public int? TimeToFirstChunkMs => TimeToFirstChunk is { } elapsed ? (int)elapsed.TotalMilliseconds : null;

    private TimeSpan? TimeToFirstChunk => _firstChunkAt == 0 ? null : Stopwatch.GetElapsedTime(_providerRequestedAt, _firstChunkAt);

    /// <summary>The server's own time before the first token reached the viewers (see remarks); null when none came.</summary>
    public TimeSpan? Overhead => _firstChunkPublishedAt == 0
        ? null
        : Stopwatch.GetElapsedTime(_receivedAt, _providerRequestedAt) + Stopwatch.GetElapsedTime(_firstChunkAt, _firstChunkPublishedAt);

    // Only for a span that is recorded: building the JSON for one nobody keeps would cost for nothing.
    private bool Captures => _capture.CaptureContent && _activity is { IsAllDataRequested: true };

    /// <summary>
    /// Records the generation's metrics and closes its span; <paramref name="errorCode"/> when it failed;
    /// <paramref name="reply"/>, the text streamed, goes on the span only when content is captured.
    /// </summary>
    public void Ended(GenerationUsage usage, FinishReason finish, string? errorCode, string reply)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var duration = _providerRequestedAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_providerRequestedAt);
        // By the target that served, which a failover makes another than the one started on.
        _metrics.GenerationEnded(new GenerationMeasurement(usage.Provider is "" ? _started.Provider : usage.Provider, usage.Model is "" ? _started.Model : usage.Model, usage.PromptTokens,
            usage.CompletionTokens, usage.Cost, duration.TotalSeconds, TimeToFirstChunk?.TotalSeconds, Overhead?.TotalSeconds, errorCode));
        if (_activity is null)
            return;
        var finishReason = finish.ToString().ToLowerInvariant();
        _activity.SetTag("gen_ai.usage.input_tokens", usage.PromptTokens)
            .SetTag("gen_ai.usage.output_tokens", usage.CompletionTokens)
            .SetTag("gen_ai.response.finish_reasons", new[] { finishReason });
        if (Captures)
            _activity.SetTag(CapturedContent.OutputMessages, CapturedContent.OutputMessagesOf(reply, finishReason, _capture.MaxCapturedContentLength));
        if (errorCode is not null)
        {
            _activity.SetTag(TagNames.ErrorType, errorCode);
            _activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    public void Dispose()
    {
        _activity?.Dispose();
        _logScope?.Dispose();
    }
}
