using System.Text.Json.Serialization;

namespace LlmPlatform.Bench.Load;

/// <summary>
/// What one load run measured, per target. Only requests completed inside a measured slice of their own target
/// count; <see cref="TargetResult.Rps"/> is those requests over the measured time of that target's slices.
/// </summary>
public sealed record LoadResult(
    int Concurrency,
    double WarmupSeconds,
    double SliceSeconds,
    double SettleSeconds,
    IReadOnlyList<TargetResult> Targets,
    IReadOnlyList<SliceResult> Slices)
{
    /// <summary>A run counts only when no request failed, warm-up included.</summary>
    [JsonIgnore]
    public bool IsValid => Targets.All(t => t.Errors == 0 && t.WarmupErrors == 0 && t.Requests > 0);
}

/// <param name="Completed">Every response received from this target, warm-up and unmeasured slice starts included.</param>
public sealed record TargetResult(
    string Url,
    double MeasuredSeconds,
    long Completed,
    long Requests,
    long Errors,
    long WarmupErrors,
    double Rps,
    double MeanMs,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    long BytesPerResponse,
    string? FirstError);

/// <summary>
/// One measured slice: which target (index into <see cref="LoadResult.Targets"/>), how many requests, at what rate, and
/// when its measured part began and ended as <see cref="System.Diagnostics.Stopwatch"/> timestamps (the monotonic clock,
/// which every process on a Linux machine shares, so the orchestrator can tell what a server did during the slice).
/// </summary>
public sealed record SliceResult(int Target, long Requests, double Rps, long MeasuredFrom, long End);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(LoadResult))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;
