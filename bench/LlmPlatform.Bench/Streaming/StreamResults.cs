using System.Diagnostics;
using System.Text.Json.Serialization;

namespace LlmPlatform.Bench.Streaming;

/// <summary>What <c>stream-client throughput</c> measured: one entry per stream, in the order they ran.</summary>
public sealed record ThroughputResult(int Tokens, IReadOnlyList<ThroughputRun> Runs);

/// <param name="Target">Index of the target among the <c>--url</c> options.</param>
/// <param name="Hash">SHA-256 of every frame received after <c>connection_ack</c>, in order: equal hashes, equal bytes.</param>
/// <param name="FirstChunkUs">From sending <c>subscribe</c> to the first chunk (the generation's start included).</param>
/// <param name="StreamingUs">From the first chunk to the last one.</param>
/// <param name="TotalUs">From sending <c>subscribe</c> to <c>complete</c> (the stored reply included).</param>
/// <param name="ConnectUs">From opening the socket to <c>connection_ack</c> (the WebSocket handshake and <c>connection_init</c>).</param>
/// <param name="InitUs">From sending <c>connection_init</c> to <c>connection_ack</c>: where a token in its payload is checked.</param>
/// <param name="Started">When the client began to connect, as a <see cref="Stopwatch"/> timestamp (the clock all processes share).</param>
/// <param name="Ended">When the client had closed the connection, likewise.</param>
public sealed record ThroughputRun(
    int Target, string Url, int Chunks, int Frames, long Bytes, string Hash, double FirstChunkUs, double StreamingUs, double TotalUs, string? Error,
    double ConnectUs = 0, double InitUs = 0, long Started = 0, long Ended = 0)
{
    /// <summary>Chunks per second between the first chunk and the last: N chunks are N − 1 intervals.</summary>
    [JsonIgnore]
    public double TokensPerSecond => StreamingUs > 0 ? (Chunks - 1) / (StreamingUs / 1_000_000) : 0;
}

/// <summary>
/// What <c>stream-client fanout</c> measured. All times in milliseconds. <c>Gap*</c>: each chunk's arrival minus the
/// previous chunk's arrival on the same subscription, minus the configured token delay (the delay added at that
/// token). <c>Steady*</c>: the same, for gaps that lie wholly inside the window when every subscription had started and
/// none had finished. <c>Lateness*</c>: each chunk's arrival minus the schedule <c>first chunk + index × delay</c>
/// (which also accumulates the provider timer's own drift). <c>Drift*</c>: per subscription, last chunk − first chunk −
/// (tokens − 1) × delay. <c>FirstChunk*</c>: per subscription, from its subscribe to its first chunk.
/// </summary>
public sealed record FanoutResult(
    int Connections,
    int Tokens,
    double DelayMs,
    double ConnectSeconds,
    long WallStartUnixMs,
    long WallEndUnixMs,
    double DurationSeconds,
    double ClientCpuSeconds,
    int Completed,
    int Failed,
    int Lost,
    int OutOfOrder,
    int WrongText,
    string? FirstFailure,
    int PeakConcurrent,
    double AllStartedAfterMs,
    double SteadyWindowMs,
    long GapSamples,
    double GapMeanMs,
    double GapP50Ms,
    double GapP90Ms,
    double GapP99Ms,
    double GapP999Ms,
    double GapMaxMs,
    long SteadySamples,
    double SteadyP50Ms,
    double SteadyP99Ms,
    double SteadyMaxMs,
    double LatenessP50Ms,
    double LatenessP99Ms,
    double DriftP50Ms,
    double DriftP99Ms,
    double DriftMaxMs,
    double FirstChunkP50Ms,
    double FirstChunkP99Ms,
    double FirstChunkMaxMs)
{
    internal static FanoutResult From(
        IReadOnlyList<StreamClientCommand.FanoutStream> streams, int tokens, TimeSpan delay, long start, long end,
        DateTimeOffset wallStart, DateTimeOffset wallEnd, TimeSpan clientCpu, double connectSeconds)
    {
        var delayMs = delay.TotalMilliseconds;
        var whole = streams.Where(s => s.Received == tokens).ToList();
        var gaps = new List<double>(whole.Count * tokens);
        var lateness = new List<double>(whole.Count * tokens);
        var drift = new List<double>(whole.Count);
        var firstChunk = new List<double>(whole.Count);
        foreach (var stream in whole)
        {
            var a = stream.Arrivals;
            for (var k = 1; k < tokens; k++)
                gaps.Add(Ms(a[k] - a[k - 1]) - delayMs);
            for (var k = 0; k < tokens; k++)
                lateness.Add(Ms(a[k] - a[0]) - (k * delayMs));
            drift.Add(Ms(a[^1] - a[0]) - ((tokens - 1) * delayMs));
            firstChunk.Add(Ms(a[0] - stream.Subscribed));
        }

        // The steady window: every subscription has its first chunk, and none has its last yet.
        var steady = new List<double>();
        long windowStart = 0, windowEnd = 0;
        if (whole.Count > 0)
        {
            windowStart = whole.Max(s => s.Arrivals[0]);
            windowEnd = whole.Min(s => s.Arrivals[^1]);
            foreach (var stream in whole)
            {
                var a = stream.Arrivals;
                for (var k = 1; k < tokens; k++)
                {
                    if (a[k - 1] >= windowStart && a[k] <= windowEnd)
                        steady.Add(Ms(a[k] - a[k - 1]) - delayMs);
                }
            }
        }

        // Most subscriptions streaming at once: +1 at a first chunk, −1 after a last chunk.
        var edges = whole.SelectMany(s => new[] { (s.Arrivals[0], 1), (s.Arrivals[^1] + 1, -1) }).OrderBy(e => e.Item1).ToList();
        int concurrent = 0, peak = 0;
        foreach (var (_, change) in edges)
            peak = Math.Max(peak, concurrent += change);

        gaps.Sort();
        steady.Sort();
        lateness.Sort();
        drift.Sort();
        firstChunk.Sort();
        return new FanoutResult(
            streams.Count,
            tokens,
            delayMs,
            Math.Round(connectSeconds, 2),
            wallStart.ToUnixTimeMilliseconds(),
            wallEnd.ToUnixTimeMilliseconds(),
            Math.Round((end - start) / (double)Stopwatch.Frequency, 3),
            Math.Round(clientCpu.TotalSeconds, 3),
            streams.Count(s => s.Completed),
            streams.Count(s => s.Failure is not null || !s.Completed),
            streams.Sum(s => s.Lost),
            streams.Sum(s => s.OutOfOrder),
            streams.Sum(s => s.WrongText),
            streams.Select(s => s.Failure).FirstOrDefault(f => f is not null),
            peak,
            whole.Count == 0 ? 0 : R(Ms(windowStart - start)),
            whole.Count == 0 ? 0 : R(Ms(windowEnd - windowStart)),
            gaps.Count,
            gaps.Count == 0 ? 0 : R(gaps.Average()),
            Q(gaps, 0.50), Q(gaps, 0.90), Q(gaps, 0.99), Q(gaps, 0.999), gaps.Count == 0 ? 0 : R(gaps[^1]),
            steady.Count,
            Q(steady, 0.50), Q(steady, 0.99), steady.Count == 0 ? 0 : R(steady[^1]),
            Q(lateness, 0.50), Q(lateness, 0.99),
            Q(drift, 0.50), Q(drift, 0.99), drift.Count == 0 ? 0 : R(drift[^1]),
            Q(firstChunk, 0.50), Q(firstChunk, 0.99), firstChunk.Count == 0 ? 0 : R(firstChunk[^1]));
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double R(double value) => Math.Round(value, 3);

    /// <summary>Nearest-rank quantile of sorted values.</summary>
    private static double Q(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : R(sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)]);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(ThroughputResult))]
[JsonSerializable(typeof(FanoutResult))]
internal sealed partial class StreamJsonContext : JsonSerializerContext;
