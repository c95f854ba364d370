using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlmPlatform.Bench.Cli;

namespace LlmPlatform.Bench.Streaming;

/// <summary>
/// <c>stream-client</c>: the load side of the streaming benchmarks, always its own process. Four modes:
/// <list type="bullet">
/// <item><c>throughput</c>: one stream at a time, alternating between the targets (A B, B A, …); per stream the time
/// from the first chunk to the last one, every frame kept and checked afterwards; prints a <see cref="ThroughputResult"/>.</item>
/// <item><c>fanout</c>: N connections, all acknowledged before any subscribes, then one `generate` each at once;
/// every chunk's arrival time; prints a <see cref="FanoutResult"/>.</item>
/// <item><c>idle</c>: reads commands on standard input (<c>open N</c>, <c>status</c>, <c>close</c>) and holds its
/// subscriptions open meanwhile, answering the server's pings.</item>
/// <item><c>first-token</c>: see <see cref="TimeToFirstToken.FirstTokenClient"/>.</item>
/// </list>
/// </summary>
public static class StreamClientCommand
{
    private const int ConnectParallelism = 32;

    /// <summary>For <c>startGeneration</c> when a generation is started over HTTP and watched over WebSocket.</summary>
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var mode = arguments.Positional.FirstOrDefault() ?? throw new UsageException("stream-client needs a mode: throughput, fanout, idle or first-token");
        return mode switch
        {
            "throughput" => await ThroughputAsync(arguments),
            "fanout" => await FanoutAsync(arguments),
            "idle" => await IdleAsync(arguments),
            "first-token" => await TimeToFirstToken.FirstTokenClient.RunAsync(arguments),
            _ => throw new UsageException($"unknown stream-client mode {mode}"),
        };
    }

    // ---------------------------------------------------------------- throughput

    private static async Task<int> ThroughputAsync(Arguments arguments)
    {
        var targets = arguments.All("url").Select(u => new Uri(u)).ToList();
        // One per URL, in the same order ("none": no token), so one server can be streamed from with and without a token.
        var authorizations = arguments.All("authorization").Select(a => a == Load.LoadCommand.NoAuthorization ? null : a).ToList();
        // One per URL, or none: where to start each stream's generation over HTTP, watched on its URL with generation(id:).
        var starts = arguments.All("start-url").Select(u => new Uri(u)).ToList();
        var tokens = arguments.Int("tokens", 10_000);
        var repetitions = arguments.Int("repetitions", 5);
        var showFrames = arguments.Int("show-frames", 0, min: 0);
        var warmup = arguments.Int("warmup", 1, min: 0);
        var prompt = arguments.Optional("prompt") ?? "measure how fast one stream of tokens can go";
        arguments.ThrowIfUnread();
        if (targets.Count == 0)
            throw new UsageException("--url is required");
        if (authorizations.Count != 0 && authorizations.Count != targets.Count)
            throw new UsageException("--authorization must be given once per --url, or not at all");
        if (starts.Count != 0 && starts.Count != targets.Count)
            throw new UsageException("--start-url must be given once per --url, or not at all");
        string? AuthorizationOf(int target) => authorizations.Count == 0 ? null : authorizations[target];
        Uri? StartOf(int target) => starts.Count == 0 ? null : starts[target];

        var expected = GenerateStream.EchoReply(prompt, tokens).ToArray();
        // Unmeasured streams first: this process's own JIT must not slow down the reading of the first measured ones.
        for (var repetition = 0; repetition < warmup; repetition++)
        {
            for (var target = 0; target < targets.Count; target++)
                _ = await StreamOnceAsync(target, targets[target], AuthorizationOf(target), StartOf(target), prompt, tokens, expected, 0);
        }
        var runs = new List<ThroughputRun>();
        for (var repetition = 0; repetition < repetitions; repetition++)
        {
            var order = Enumerable.Range(0, targets.Count).ToList();
            if (repetition % 2 == 1)
                order.Reverse();
            foreach (var target in order)
                runs.Add(await StreamOnceAsync(target, targets[target], AuthorizationOf(target), StartOf(target), prompt, tokens, expected, showFrames));
        }
        Console.WriteLine(JsonSerializer.Serialize(new ThroughputResult(tokens, runs), StreamJsonContext.Default.ThroughputResult));
        return runs.All(r => r.Error is null) ? 0 : 2;
    }

    private static async Task<ThroughputRun> StreamOnceAsync(
        int target, Uri url, string? authorization, Uri? start, string prompt, int tokens, string[] expected, int showFrames)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var connecting = Stopwatch.GetTimestamp();
        using var client = await TransportWsClient.ConnectAsync(url, authorization, timeout.Token);
        // Every frame is kept as it arrives (bytes and time) and read only after the stream ends, so that the
        // client's own work per frame stays a copy and a search.
        var arena = new byte[Math.Max(1 << 20, tokens * 256)];
        var offsets = new List<int>(tokens + 4) { 0 };
        var times = new List<long>(tokens + 4);
        var used = 0;
        var subscribed = Stopwatch.GetTimestamp();
        var subscribe = start is null
            ? GenerateStream.GenerateMessage(prompt, tokens)
            : GenerateStream.WatchMessage(await GenerationStarter.StartAsync(Http, start, prompt, tokens, timeout.Token));
        await client.SendAsync(Encoding.UTF8.GetBytes(subscribe), timeout.Token);
        while (true)
        {
            var message = await client.ReceiveAsync(timeout.Token);
            var now = Stopwatch.GetTimestamp();
            if (message is not { } m)
                break;
            if (used + m.Length > arena.Length)
                Array.Resize(ref arena, arena.Length * 2);
            m.Span.CopyTo(arena.AsSpan(used));
            used += m.Length;
            offsets.Add(used);
            times.Add(now);
            if (m.Span.IndexOf("\"type\":\"complete\""u8) >= 0 || m.Span.IndexOf("\"type\":\"error\""u8) >= 0)
                break;
        }
        var closedBy = client.CloseReason;
        await client.CloseAsync(TimeSpan.FromSeconds(5));
        var closed = Stopwatch.GetTimestamp();
        for (var i = 0; i < times.Count; i++)
        {
            if (i < showFrames || i >= times.Count - Math.Min(showFrames, 2))
                await Console.Error.WriteLineAsync($"{url} frame {i}: {Encoding.UTF8.GetString(arena, offsets[i], offsets[i + 1] - offsets[i])}");
        }

        string? error = closedBy is null ? null : $"the server closed the connection ({closedBy}) after {times.Count} frames";
        int first = -1, last = -1, chunks = 0;
        for (var i = 0; i < times.Count && error is null; i++)
        {
            var frame = GenerateStream.Parse(arena.AsSpan(offsets[i], offsets[i + 1] - offsets[i]));
            if (frame.IsChunk)
            {
                if (frame.Index != chunks)
                    error = $"chunk {chunks} expected, got index {frame.Index}";
                else if (frame.Text != expected[chunks])
                    error = $"chunk {chunks}: expected text \"{expected[chunks]}\", got \"{frame.Text}\"";
                if (first < 0)
                    first = i;
                last = i;
                chunks++;
            }
            else if (frame.Type is "error" || frame.HasErrors)
            {
                error = "error frame: " + Encoding.UTF8.GetString(arena, offsets[i], Math.Min(300, offsets[i + 1] - offsets[i]));
            }
        }
        if (error is null && chunks != tokens)
            error = $"{chunks} chunks of {tokens} arrived";
        if (error is null && (times.Count == 0 || GenerateStream.Parse(arena.AsSpan(offsets[^2], offsets[^1] - offsets[^2])).Type != "complete"))
            error = "the stream did not end with complete";

        var hash = Convert.ToHexStringLower(SHA256.HashData(arena.AsSpan(0, used)));
        return new ThroughputRun(
            target,
            url.ToString(),
            chunks,
            times.Count,
            used,
            hash,
            first < 0 ? 0 : Microseconds(times[first] - subscribed),
            first < 0 || last <= first ? 0 : Microseconds(times[last] - times[first]),
            times.Count == 0 ? 0 : Microseconds(times[^1] - subscribed),
            error,
            Microseconds(subscribed - connecting),
            Math.Round(client.InitToAck.TotalMicroseconds, 1),
            connecting,
            closed);
    }

    // ---------------------------------------------------------------- fanout

    private static async Task<int> FanoutAsync(Arguments arguments)
    {
        var url = new Uri(arguments.Required("url"));
        var connections = arguments.Int("connections", 1000);
        var tokens = arguments.Int("tokens", 200);
        var delay = arguments.Duration("delay", TimeSpan.FromMilliseconds(20));
        var startAt = arguments.Optional("start-url") is { } startUrl ? new Uri(startUrl) : null;
        arguments.ThrowIfUnread();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1) + (delay * tokens * 4));
        var streams = new FanoutStream[connections];
        for (var i = 0; i < connections; i++)
            streams[i] = new FanoutStream(i, tokens);

        var connectStarted = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(streams, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = timeout.Token },
            async (stream, ct) => stream.Client = await TransportWsClient.ConnectAsync(url, ct));
        var connectSeconds = Seconds(Stopwatch.GetTimestamp() - connectStarted);
        await Console.Error.WriteLineAsync($"{connections} connections acknowledged in {connectSeconds:0.0} s; subscribing");

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wallStart = DateTimeOffset.UtcNow;
        var start = Stopwatch.GetTimestamp();
        // All subscribe at once: the subscribe messages go out in one pass, then every stream reads on its own.
        var running = streams.Select(s => Task.Run(() => s.RunAsync(startAt, timeout.Token))).ToArray();
        await Task.WhenAll(running);
        var end = Stopwatch.GetTimestamp();
        var wallEnd = DateTimeOffset.UtcNow;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        await Parallel.ForEachAsync(streams, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism },
            async (stream, _) =>
            {
                await stream.Client!.CloseAsync(TimeSpan.FromSeconds(5));
                stream.Client.Dispose();
            });

        var result = FanoutResult.From(streams, tokens, delay, start, end, wallStart, wallEnd, cpu, connectSeconds);
        Console.WriteLine(JsonSerializer.Serialize(result, StreamJsonContext.Default.FanoutResult));
        return result.Lost + result.OutOfOrder + result.WrongText + result.Failed == 0 ? 0 : 2;
    }

    /// <summary>One fan-out subscription: its own prompt (so a chunk delivered to the wrong stream shows), its chunks' arrival times.</summary>
    internal sealed class FanoutStream
    {
        private readonly string[] _expected;

        public FanoutStream(int number, int tokens)
        {
            Prompt = $"fan out stream {number.ToString(CultureInfo.InvariantCulture)} says hello to every viewer";
            _expected = GenerateStream.EchoReply(Prompt, tokens).ToArray();
            Arrivals = new long[tokens];
        }

        public string Prompt { get; }

        public TransportWsClient? Client { get; set; }

        public long Subscribed { get; private set; }

        public long[] Arrivals { get; }

        private int _next;

        /// <summary>Chunks that arrived, in order.</summary>
        public int Received { get; private set; }

        /// <summary>Chunks that never arrived: skipped indexes, and those missing at the end.</summary>
        public int Lost => Skipped + (Arrivals.Length - _next);

        private int Skipped { get; set; }

        public int OutOfOrder { get; private set; }

        public int WrongText { get; private set; }

        public bool Completed { get; private set; }

        public string? Failure { get; private set; }

        /// <param name="start">Where to start the generation over HTTP, to watch it with generation(id:); null: `generate` it.</param>
        public async Task RunAsync(Uri? start, CancellationToken cancellationToken)
        {
            try
            {
                Subscribed = Stopwatch.GetTimestamp();
                await Client!.SendAsync(
                    start is null
                        ? GenerateStream.GenerateMessage(Prompt, Arrivals.Length)
                        : GenerateStream.WatchMessage(await GenerationStarter.StartAsync(Http, start, Prompt, Arrivals.Length, cancellationToken)),
                    cancellationToken);
                while (await Client.ReceiveAsync(cancellationToken) is { } message)
                {
                    var now = Stopwatch.GetTimestamp();
                    var frame = GenerateStream.Parse(message.Span);
                    if (frame.IsChunk)
                    {
                        // An index past the next one means chunks were lost; one before it, a duplicate or a reordering.
                        if (frame.Index < _next || frame.Index >= Arrivals.Length)
                        {
                            OutOfOrder++;
                            continue;
                        }
                        Skipped += frame.Index - _next;
                        if (frame.Text != _expected[frame.Index])
                            WrongText++;
                        Arrivals[frame.Index] = now;
                        _next = frame.Index + 1;
                        Received++;
                    }
                    else if (frame.Type == "complete")
                    {
                        Completed = true;
                        return;
                    }
                    else if (frame.Type == "error" || frame.HasErrors)
                    {
                        Failure = Encoding.UTF8.GetString(message.Span[..Math.Min(300, message.Length)]);
                        return;
                    }
                }
                Failure = "the server closed the connection before complete";
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException
                or HttpRequestException or Runner.BenchmarkFailedException)
            {
                Failure = e.GetType().Name + ": " + e.Message;
            }
        }
    }

    // ---------------------------------------------------------------- idle

    /// <summary>
    /// Holds subscriptions open on command. <c>open N</c> opens N more connections, each acknowledged and subscribed
    /// (<c>--query generate</c>: its own slow generation; <c>--query watch --id X</c>: generation X) until its first
    /// event arrives, then prints <c>opened TOTAL FAILED</c>. <c>status</c> prints <c>status LIVE EVENTS CLOSED</c>:
    /// connections still open, events received after the first one (there should be none), connections the server
    /// closed. <c>close</c> closes them all, prints <c>closed</c> and ends.
    /// </summary>
    private static async Task<int> IdleAsync(Arguments arguments)
    {
        var url = new Uri(arguments.Required("url"));
        var query = arguments.Optional("query") ?? "generate";
        var id = arguments.Optional("id");
        arguments.ThrowIfUnread();
        if (query is not ("generate" or "watch") || (query == "watch") != (id is not null))
            throw new UsageException("--query generate, or --query watch --id <generation id>");

        var open = new List<IdleSubscription>();
        var failed = 0;
        using var stop = new CancellationTokenSource();
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words.FirstOrDefault())
            {
                case "open":
                    var count = int.Parse(words[1], CultureInfo.InvariantCulture);
                    var batch = Enumerable.Range(open.Count + failed, count)
                        .Select(n => new IdleSubscription(query == "watch"
                            ? GenerateStream.WatchMessage(id!)
                            : GenerateStream.GenerateMessage($"idle subscription {n.ToString(CultureInfo.InvariantCulture)} waits for a very slow model", 48)))
                        .ToList();
                    await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism },
                        async (subscription, _) => await subscription.OpenAsync(url, stop.Token));
                    failed += batch.Count(s => s.Failure is not null);
                    foreach (var failure in batch.Where(s => s.Failure is not null).Select(s => s.Failure).Distinct().Take(3))
                        await Console.Error.WriteLineAsync("open failed: " + failure);
                    open.AddRange(batch.Where(s => s.Failure is null));
                    Console.WriteLine($"opened {open.Count} {failed}");
                    break;
                case "status":
                    Console.WriteLine($"status {open.Count(s => !s.Closed)} {open.Sum(s => s.LaterEvents)} {open.Count(s => s.Closed)}");
                    break;
                case "close":
                    await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism },
                        async (subscription, _) => await subscription.CloseAsync());
                    await stop.CancelAsync();
                    Console.WriteLine("closed");
                    return 0;
                default:
                    await Console.Error.WriteLineAsync($"unknown command: {line}");
                    break;
            }
        }
        return 0;
    }

    private sealed class IdleSubscription(string subscribe)
    {
        private TransportWsClient? _client;
        private Task _reading = Task.CompletedTask;
        private int _laterEvents;

        public string? Failure { get; private set; }

        public bool Closed { get; private set; }

        public int LaterEvents => Volatile.Read(ref _laterEvents);

        public async Task OpenAsync(Uri url, CancellationToken stop)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                _client = await TransportWsClient.ConnectAsync(url, timeout.Token);
                await _client.SendAsync(subscribe, timeout.Token);
                var first = await _client.ReceiveAsync(timeout.Token);
                var frame = first is { } m ? GenerateStream.Parse(m.Span) : default;
                if (frame.Type != "next" || frame.HasErrors)
                {
                    Failure = first is { } f ? Encoding.UTF8.GetString(f.Span) : "closed before the first event";
                    return;
                }
                _reading = ReadAsync(stop);
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException)
            {
                Failure = e.GetType().Name + ": " + e.Message;
            }
        }

        /// <summary>Keeps reading, so that pings are answered; anything else is an event that should not have come.</summary>
        private async Task ReadAsync(CancellationToken stop)
        {
            try
            {
                while (await _client!.ReceiveAsync(stop) is not null)
                    Interlocked.Increment(ref _laterEvents);
                Closed = true;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or IOException or OperationCanceledException)
            {
                Closed = true;
            }
        }

        /// <summary>The close handshake; the reader then sees the server's close frame and ends.</summary>
        public async Task CloseAsync()
        {
            if (_client is null)
                return;
            await _client.CloseAsync(TimeSpan.FromSeconds(5));
            await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
            _client.Dispose();
        }
    }

    internal static double Microseconds(long ticks) => Math.Round(ticks * 1_000_000.0 / Stopwatch.Frequency, 1);

    internal static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;
}
