using System.Diagnostics;
using System.Diagnostics.Metrics;
using static LlmPlatform.Llm.Telemetry.LlmMetrics;

namespace LlmPlatform.Llm.Telemetry;

/// <summary>
/// The GenAI client instruments (OpenTelemetry GenAI semantic conventions: names, units, bucket advice) and ours beside
/// them: cost, the server's overhead, active generations and viewers. Recorded once per generation, never per token.
/// </summary>
internal sealed class GenAiInstruments
{
    /// <summary>The only GenAI operation this server performs.</summary>
    public const string ChatOperation = "chat";

    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    // The overhead is meant to stay under a millisecond: buckets fine enough to tell 0.1 ms from 1 ms and 5 ms.
    private static readonly double[] OverheadBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private readonly Histogram<long> _tokens;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _timeToFirstChunk;
    private readonly Histogram<double> _overhead;
    private readonly Counter<double> _cost;

    public GenAiInstruments(Meter meter)
    {
        _tokens = meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}",
            "Tokens used per generation, by type (input or output).", tags: null, advice: new() { HistogramBucketBoundaries = TokenBuckets });
        _duration = meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s",
            "Seconds from the provider request to the end of the reply.", tags: null, advice: new() { HistogramBucketBoundaries = DurationBuckets });
        _timeToFirstChunk = meter.CreateHistogram<double>("gen_ai.client.operation.time_to_first_chunk", "s",
            "Seconds from the provider request to the provider's first chunk.", tags: null, advice: new() { HistogramBucketBoundaries = DurationBuckets });
        _overhead = meter.CreateHistogram<double>("llmplatform.generation.overhead", "s",
            "Seconds the server itself added before the first token reached the viewers: from the operation's start to the provider request, plus from the provider's first chunk to its publication.",
            tags: null, advice: new() { HistogramBucketBoundaries = OverheadBuckets });
        _cost = meter.CreateCounter<double>("llmplatform.generation.cost", "{currency}",
            "Cost of generations, from the configured prices of each model.");
        Active = meter.CreateUpDownCounter<long>("llmplatform.generations.active", "{generation}",
            "Generations running on this instance.");
        Viewers = meter.CreateUpDownCounter<long>("llmplatform.generation.viewers", "{viewer}",
            "Viewers watching a generation from this instance.");
    }

    public UpDownCounter<long> Active { get; }

    public UpDownCounter<long> Viewers { get; }

    public void Record(GenerationMeasurement measured)
    {
        var tags = new TagList
        {
            { TagNames.Operation, ChatOperation },
            { TagNames.Provider, measured.Provider },
            { TagNames.Model, measured.Model },
        };
        if (measured.ErrorType is { } errorType)
            tags.Add(TagNames.ErrorType, errorType);
        Active.Add(-1);
        _duration.Record(measured.DurationSeconds, tags);
        if (measured.TimeToFirstChunkSeconds is { } firstChunk)
            _timeToFirstChunk.Record(firstChunk, tags);
        if (measured.OverheadSeconds is { } overhead)
            _overhead.Record(overhead, tags);
        _cost.Add((double)measured.Cost, tags);
        var input = tags;
        input.Add(TagNames.TokenType, "input");
        _tokens.Record(measured.InputTokens, input);
        var output = tags;
        output.Add(TagNames.TokenType, "output");
        _tokens.Record(measured.OutputTokens, output);
    }
}

/// <summary>What one generation measured, for <see cref="LlmMetrics.GenerationEnded"/>.</summary>
public sealed record GenerationMeasurement(
    string Provider, string Model, int InputTokens, int OutputTokens, decimal Cost,
    double DurationSeconds, double? TimeToFirstChunkSeconds, double? OverheadSeconds, string? ErrorType);
