using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Streaming;

namespace LlmPlatform.Bench.TimeToFirstToken;

/// <summary>
/// <c>stream-client first-token</c>: the load side of <c>time-to-first-token</c>, its own process. It holds N
/// acknowledged graphql-transport-ws connections to the app and N keep-alive HTTP connections to the stub provider,
/// then runs waves of N generations at once, alternating the targets wave by wave (A B, B A, …):
/// <list type="bullet">
/// <item><b>GraphQL</b>: on each connection a `generate` subscription; the time from sending <c>subscribe</c> to the
/// arrival of the first <c>TokenChunk</c> frame; then every frame to <c>complete</c>, checked (indexes 0…n−1, the stub's text).</item>
/// <item><b>direct</b>: the same stub called by this process with the request the app's connector sends; the time from
/// sending the request to the end of the first SSE <c>data:</c> event; then the rest of the reply, checked (<c>[DONE]</c>).</item>
/// </list>
/// A wave ends when all its generations have ended, so the waves never overlap. Prints a <see cref="FirstTokenResult"/>.
/// </summary>
public static class FirstTokenClient
{
    private const int ConnectParallelism = 32;

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var graphql = new Uri(arguments.Required("graphql"));
        var direct = new Uri(arguments.Required("direct"));
        var concurrency = arguments.Int("concurrency", 100);
        var waves = arguments.Int("waves", 10);
        var maxTokens = arguments.Int("max-tokens", 16);
        arguments.ThrowIfUnread();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            UseProxy = false,
        }) { Timeout = TimeSpan.FromMinutes(1) };
        var sockets = new TransportWsClient[concurrency];
        await Parallel.ForEachAsync(Enumerable.Range(0, concurrency), new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = timeout.Token },
            async (i, ct) => sockets[i] = await TransportWsClient.ConnectAsync(graphql, ct));
        try
        {
            var graphFirst = new List<double>(concurrency * waves);
            var graphWhole = new List<double>(concurrency * waves);
            var graphStarted = new List<double>(concurrency * waves);
            var directFirst = new List<double>(concurrency * waves);
            var directWhole = new List<double>(concurrency * waves);
            var errors = new List<string>();
            var wallStart = DateTimeOffset.UtcNow;
            for (var wave = 0; wave < waves; wave++)
            {
                // Alternate which target goes first, so a trend in the machine's load falls on both alike.
                var graphFirstInPair = wave % 2 == 0;
                for (var half = 0; half < 2; half++)
                {
                    var outcomes = half == 0 == graphFirstInPair
                        ? await WaveAsync(concurrency, i => GraphQLOnceAsync(sockets[i], Prompt(wave, i), maxTokens, timeout.Token))
                        : await WaveAsync(concurrency, i => DirectOnceAsync(http, direct, Prompt(wave, i), maxTokens, timeout.Token));
                    var (first, whole) = half == 0 == graphFirstInPair ? (graphFirst, graphWhole) : (directFirst, directWhole);
                    foreach (var outcome in outcomes)
                    {
                        if (outcome.Error is { } error)
                        {
                            errors.Add(error);
                            continue;
                        }
                        first.Add(outcome.FirstTokenMicroseconds);
                        whole.Add(outcome.WholeMicroseconds);
                        if (outcome.StartedMicroseconds is { } startedAfter)
                            graphStarted.Add(startedAfter);
                    }
                }
            }
            var result = new FirstTokenResult(
                concurrency, waves, graphFirst, graphWhole, graphStarted, directFirst, directWhole, errors.Count, errors.FirstOrDefault(),
                wallStart.ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            Console.WriteLine(JsonSerializer.Serialize(result, FirstTokenJsonContext.Default.FirstTokenResult));
            return errors.Count == 0 ? 0 : 2;
        }
        finally
        {
            await Parallel.ForEachAsync(sockets.Where(s => s is not null), async (socket, _) =>
            {
                await socket.CloseAsync(TimeSpan.FromSeconds(5));
                socket.Dispose();
            });
        }
    }

    private static string Prompt(int wave, int stream) =>
        string.Create(CultureInfo.InvariantCulture, $"wave {wave} stream {stream}: how soon does the first token come?");

    /// <summary>Starts all <paramref name="concurrency"/> generations (each on the thread pool, so none waits for another's send) and waits for all.</summary>
    private static Task<Outcome[]> WaveAsync(int concurrency, Func<int, Task<Outcome>> once) =>
        Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => once(i))));

    private static async Task<Outcome> GraphQLOnceAsync(TransportWsClient socket, string prompt, int maxTokens, CancellationToken cancellationToken)
    {
        try
        {
            var subscribe = Encoding.UTF8.GetBytes(GenerateStream.GenerateMessage(prompt, maxTokens, TimeToFirstTokenBenchmark.ProviderName));
            var sent = Stopwatch.GetTimestamp();
            await socket.SendAsync(subscribe, cancellationToken);
            long started = 0, firstToken = 0;
            var chunks = 0;
            while (await socket.ReceiveAsync(cancellationToken) is { } message)
            {
                var now = Stopwatch.GetTimestamp();
                var frame = GenerateStream.Parse(message.Span);
                if (frame.TypeName == "GenerationStarted")
                    started = now;
                if (frame.IsChunk)
                {
                    if (chunks == 0)
                        firstToken = now;
                    if (frame.Index != chunks || chunks >= StubProvider.Reply.Count || frame.Text != StubProvider.Reply[chunks])
                        return Outcome.Failed($"GraphQL: chunk {chunks} expected \"{(chunks < StubProvider.Reply.Count ? StubProvider.Reply[chunks] : "(none)")}\", got index {frame.Index} \"{frame.Text}\"");
                    chunks++;
                }
                else if (frame.Type == "complete")
                {
                    return chunks == StubProvider.Reply.Count
                        ? new Outcome(Microseconds(firstToken - sent), Microseconds(now - sent), null, started == 0 ? null : Microseconds(started - sent))
                        : Outcome.Failed($"GraphQL: {chunks} of {StubProvider.Reply.Count} chunks before complete");
                }
                else if (frame.HasErrors || frame.TypeName is "GenerationFailed")
                {
                    return Outcome.Failed("GraphQL: " + Encoding.UTF8.GetString(message.Span[..Math.Min(300, message.Length)]));
                }
            }
            return Outcome.Failed($"GraphQL: the server closed the connection ({socket.CloseReason})");
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException)
        {
            return Outcome.Failed("GraphQL: " + e.GetType().Name + ": " + e.Message);
        }
    }

    private static async Task<Outcome> DirectOnceAsync(HttpClient http, Uri url, string prompt, int maxTokens, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(StubProvider.DirectRequest(prompt, maxTokens), Encoding.UTF8, "application/json"),
                Version = HttpVersion.Version11,
            };
            var sent = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                return Outcome.Failed($"direct: HTTP {(int)response.StatusCode}");
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[8192];
            var length = 0;
            long firstToken = 0;
            while (true)
            {
                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                var now = Stopwatch.GetTimestamp();
                if (read == 0)
                    break;
                length += read;
                // The first event is whole once its blank line has come.
                if (firstToken == 0 && buffer.AsSpan(0, length).IndexOf("\n\n"u8) >= 0)
                    firstToken = now;
                if (length == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
            }
            var whole = Stopwatch.GetTimestamp();
            var text = Encoding.UTF8.GetString(buffer, 0, length);
            return firstToken != 0 && text.StartsWith("data: ", StringComparison.Ordinal) && text.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal)
                ? new Outcome(Microseconds(firstToken - sent), Microseconds(whole - sent), null)
                : Outcome.Failed("direct: the reply was not a whole event stream: " + text[..Math.Min(200, text.Length)]);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return Outcome.Failed("direct: " + e.GetType().Name + ": " + e.Message);
        }
    }

    private static double Microseconds(long ticks) => Math.Round(ticks * 1_000_000.0 / Stopwatch.Frequency, 1);

    /// <param name="StartedMicroseconds">GraphQL only: to the arrival of `GenerationStarted` (sent once the generation is admitted and stored).</param>
    private readonly record struct Outcome(double FirstTokenMicroseconds, double WholeMicroseconds, string? Error, double? StartedMicroseconds = null)
    {
        public static Outcome Failed(string error) => new(0, 0, error);
    }
}

/// <summary>One client process's measurements, in microseconds, in the order the generations ended (waves alternate targets).</summary>
public sealed record FirstTokenResult(
    int Concurrency,
    int Waves,
    IReadOnlyList<double> GraphQLFirstToken,
    IReadOnlyList<double> GraphQLWhole,
    IReadOnlyList<double> GraphQLStarted,
    IReadOnlyList<double> DirectFirstToken,
    IReadOnlyList<double> DirectWhole,
    int Errors,
    string? FirstError,
    long WallStartUnixMs,
    long WallEndUnixMs);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(FirstTokenResult))]
internal sealed partial class FirstTokenJsonContext : JsonSerializerContext;
