using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace LlmPlatform.Bench.Load;

/// <param name="Bodies">Per target, the JSON body its requests POST.</param>
/// <param name="Authorizations">Per target, the Authorization header its requests carry, or null for none.</param>
/// <param name="Slice">With several targets, how long each gets the load before the next one does.</param>
/// <param name="Settle">The start of each slice that is not measured: the previous target's last responses drain.</param>
public sealed record LoadOptions(
    IReadOnlyList<Uri> Targets, IReadOnlyList<string?> Authorizations, IReadOnlyList<string> Bodies, string Accept, int Concurrency, TimeSpan Warmup,
    TimeSpan Duration, TimeSpan Slice, TimeSpan Settle);

/// <summary>
/// A closed-loop load generator: <c>Concurrency</c> loops over as many keep-alive HTTP/1.1 connections, each sending
/// the next request as soon as the previous response is read to its end. With several targets the time is cut into
/// slices that go to one target at a time, in the order A B, B A, A B… so that on a noisy machine every target
/// gets its share of each disturbance. A response is an error when its status is not 2xx, its body is empty, or its
/// body contains <c>"errors"</c> (a GraphQL error). Latencies go into arrays allocated up front.
/// </summary>
public static class LoadGenerator
{
    /// <summary>Samples kept per target; 1M is 8 MB and ~10 s at 100k requests/s.</summary>
    private const int SampleCapacity = 1 << 20;

    private static readonly byte[] ErrorsProperty = "\"errors\""u8.ToArray();

    public static async Task<LoadResult> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var body = options.Bodies.Select(Encoding.UTF8.GetBytes).ToArray();
        var schedule = Schedule.Plan(options, Stopwatch.GetTimestamp());
        var recorders = options.Targets.Select(_ => new Recorder(SampleCapacity)).ToArray();
        var sliceCounts = new long[schedule.Slices.Count];

        var loops = new Task[options.Concurrency];
        for (var i = 0; i < loops.Length; i++)
            loops[i] = Task.Run(() => LoopAsync(client, options, body, schedule, recorders, sliceCounts, cancellationToken), cancellationToken);
        await Task.WhenAll(loops);

        var measured = schedule.Slices.Select((s, i) => (Slice: s, Index: i)).Where(x => x.Slice.Measured).ToList();
        return new LoadResult(
            options.Concurrency,
            options.Warmup.TotalSeconds,
            options.Slice.TotalSeconds,
            options.Settle.TotalSeconds,
            [.. recorders.Select((r, t) => r.Result(
                options.Targets[t], measured.Where(x => x.Slice.Target == t).Sum(x => Seconds(x.Slice.End - x.Slice.MeasureFrom))))],
            [.. measured.Select(x => new SliceResult(
                x.Slice.Target, sliceCounts[x.Index], Math.Round(sliceCounts[x.Index] / Seconds(x.Slice.End - x.Slice.MeasureFrom), 1),
                x.Slice.MeasureFrom, x.Slice.End))]);
    }

    private static async Task LoopAsync(
        HttpClient client, LoadOptions options, byte[][] body, Schedule schedule, Recorder[] recorders, long[] sliceCounts,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var sliceIndex = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var sent = Stopwatch.GetTimestamp();
            while (sliceIndex < schedule.Slices.Count && sent >= schedule.Slices[sliceIndex].End)
                sliceIndex++;
            if (sliceIndex == schedule.Slices.Count)
                return;
            var slice = schedule.Slices[sliceIndex];

            var length = 0;
            string? error = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, options.Targets[slice.Target]) { Content = new ByteArrayContent(body[slice.Target]) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("Accept", options.Accept);
                if (options.Authorizations[slice.Target] is { } authorization)
                    request.Headers.TryAddWithoutValidation("Authorization", authorization);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                await using (var stream = await response.Content.ReadAsStreamAsync(cancellationToken))
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
                    {
                        length += read;
                        if (length == buffer.Length)
                            Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }
                if (!response.IsSuccessStatusCode)
                    error = $"HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(buffer, 0, Math.Min(length, 300))}";
                else if (length == 0)
                    error = "empty body";
                else if (buffer.AsSpan(0, length).IndexOf(ErrorsProperty) >= 0)
                    error = "GraphQL errors: " + Encoding.UTF8.GetString(buffer, 0, Math.Min(length, 300));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                error = e.GetType().Name + ": " + e.Message;
            }

            var done = Stopwatch.GetTimestamp();
            recorders[slice.Target].Complete();
            // Completed inside its own slice's measured part: it counts. Otherwise only its failure does.
            if (slice.Measured && done >= slice.MeasureFrom && done <= slice.End)
            {
                Interlocked.Increment(ref sliceCounts[sliceIndex]);
                recorders[slice.Target].Record(done - sent, length, error);
            }
            else if (error is not null)
            {
                recorders[slice.Target].RecordOutsideWindow(error);
            }
        }
    }

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>One stretch of time during which all load goes to one target.</summary>
    private sealed record Slice(int Target, long Start, long MeasureFrom, long End, bool Measured);

    private sealed record Schedule(IReadOnlyList<Slice> Slices)
    {
        /// <summary>
        /// Warm-up slices, then for each target <c>Duration / Slice</c> measured slices, in the order
        /// 0 1 … n-1, then n-1 … 1 0, and so on. With one target: one warm-up and one measured slice.
        /// </summary>
        public static Schedule Plan(LoadOptions options, long start)
        {
            var slices = new List<Slice>();
            var targets = options.Targets.Count;
            var length = Ticks(options.Slice);
            var settle = Ticks(options.Settle);
            var at = start;
            var warmupEnd = start + Ticks(options.Warmup);
            for (var k = 0; at < warmupEnd; k++)
            {
                var end = Math.Min(at + (targets == 1 ? warmupEnd - at : length), warmupEnd);
                slices.Add(new Slice(Order(k / targets, targets)[k % targets], at, end, end, Measured: false));
                at = end;
            }
            var perTarget = Math.Max(1, (int)Math.Ceiling(options.Duration / options.Slice));
            for (var pass = 0; pass < perTarget; pass++)
            {
                foreach (var target in Order(pass, targets))
                {
                    slices.Add(new Slice(target, at, at + settle, at + length, Measured: true));
                    at += length;
                }
            }
            return new Schedule(slices);
        }

        private static int[] Order(int pass, int targets)
        {
            var order = Enumerable.Range(0, targets).ToArray();
            if (pass % 2 == 1)
                Array.Reverse(order);
            return order;
        }
    }

    private sealed class Recorder(int capacity)
    {
        private readonly long[] _latencies = new long[capacity];
        private long _count;
        private long _completed;
        private long _errors;
        private long _outsideErrors;
        private long _bytes;
        private string? _firstError;

        public void Record(long latencyTicks, int bytes, string? error)
        {
            var index = Interlocked.Increment(ref _count) - 1;
            if (index < _latencies.Length)
                _latencies[index] = latencyTicks;
            Interlocked.Add(ref _bytes, bytes);
            if (error is not null)
            {
                Interlocked.Increment(ref _errors);
                Interlocked.CompareExchange(ref _firstError, error, null);
            }
        }

        public void Complete() => Interlocked.Increment(ref _completed);

        public void RecordOutsideWindow(string error)
        {
            Interlocked.Increment(ref _outsideErrors);
            Interlocked.CompareExchange(ref _firstError, error, null);
        }

        public TargetResult Result(Uri url, double measuredSeconds)
        {
            var count = Interlocked.Read(ref _count);
            var kept = _latencies.AsSpan(0, (int)Math.Min(count, _latencies.Length));
            kept.Sort();
            long sum = 0;
            foreach (var latency in kept)
                sum += latency;
            return new TargetResult(
                url.ToString(),
                Math.Round(measuredSeconds, 3),
                Interlocked.Read(ref _completed),
                count,
                _errors,
                _outsideErrors,
                Rps: Math.Round(count / measuredSeconds, 1),
                MeanMs: kept.Length == 0 ? 0 : Ms(sum / (double)kept.Length),
                P50Ms: Ms(Percentile(kept, 0.50)),
                P90Ms: Ms(Percentile(kept, 0.90)),
                P99Ms: Ms(Percentile(kept, 0.99)),
                MaxMs: kept.Length == 0 ? 0 : Ms(kept[^1]),
                BytesPerResponse: count == 0 ? 0 : _bytes / count,
                _firstError);
        }

        /// <summary>Nearest-rank percentile of sorted samples.</summary>
        private static double Percentile(ReadOnlySpan<long> sorted, double quantile) =>
            sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

        private static double Ms(double ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);
    }
}
