using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Testing.Stubs;

/// <summary>
/// A model server on real Kestrel at 127.0.0.1 (a port the OS picks) that streams a scripted reply, records every
/// request, and can be told to fail, stall or drop the connection. The wire format is the subclass's; what is
/// streamed and what goes wrong is set here, per test. Self-contained (ASP.NET Core only), so other test projects
/// can include the Stubs folder as linked files.
/// </summary>
public abstract class StubServer : IAsyncDisposable
{
    private static readonly TimeSpan DropPause = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentQueue<StubFault> _faults = new();
    private readonly ConcurrentQueue<StubRequest> _requests = new();
    private readonly ConcurrentDictionary<string, StubFault> _keyFaults = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:51234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The reply, one streamed chunk per token.</summary>
    public IReadOnlyList<string> Tokens { get; set; } = DefaultTokens;

    /// <summary>Pause before each token.</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <summary>The finish reason of the last chunk: <c>stop</c> or <c>length</c>.</summary>
    public string FinishReason { get; set; } = "stop";

    /// <summary>Whether the reply carries token usage (OpenAI: only when the request asked for it as well).</summary>
    public bool ReportUsage { get; set; } = true;

    /// <summary>Prompt tokens the usage report claims; an odd number no tokenizer would count for a short prompt.</summary>
    public int PromptTokens { get; set; } = 1234;

    /// <summary>Completion tokens the usage report claims.</summary>
    public int CompletionTokens { get; set; } = 567;

    /// <summary>Every request received so far, oldest first.</summary>
    public IReadOnlyList<StubRequest> Requests => [.. _requests];

    public static IReadOnlyList<string> DefaultTokens { get; } = ["Hello", ",", " wide", " world", "!"];

    /// <summary>The next request gets <paramref name="fault"/> instead of the reply; faults queue up one per request.</summary>
    public void Enqueue(StubFault fault) => _faults.Enqueue(fault);

    /// <summary>
    /// Every request carrying <paramref name="apiKey"/> (as its bearer token or <c>api-key</c> header) gets
    /// <paramref name="fault"/>, until <see cref="Reset"/>; the queued faults are for the other requests.
    /// </summary>
    public void FailKey(string apiKey, StubFault fault) => _keyFaults[apiKey] = fault;

    /// <summary>Back to the defaults: the default reply, no faults queued, no requests recorded.</summary>
    public void Reset()
    {
        _faults.Clear();
        _keyFaults.Clear();
        _requests.Clear();
        Tokens = DefaultTokens;
        TokenDelay = TimeSpan.Zero;
        FinishReason = "stop";
        ReportUsage = true;
        PromptTokens = 1234;
        CompletionTokens = 567;
    }

    /// <summary>Waits until <paramref name="count"/> requests have arrived, and returns the last of them.</summary>
    public async Task<StubRequest> WaitForRequestAsync(int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var requests = Requests;
            if (requests.Count >= count)
                return requests[count - 1];
            await Task.Delay(10);
        }
        throw new TimeoutException($"The stub received {Requests.Count} requests, not {count}.");
    }

    protected async Task ListenAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        _app = builder.Build();
        // 127.0.0.1 only: "localhost:0" binds IPv4 and IPv6 separately and can collide with another server.
        _app.Urls.Add("http://127.0.0.1:0");
        Map(_app);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single().TrimEnd('/') + "/");
    }

    /// <summary>Maps the endpoints of the wire format, each handled through <see cref="HandleAsync"/>.</summary>
    protected abstract void Map(WebApplication app);

    /// <summary>Writes the response headers of a streamed reply (status 200 and the content type).</summary>
    protected abstract Task StartStreamAsync(HttpContext context, StubRequest request, CancellationToken cancellationToken);

    /// <summary>Writes one token as a streamed chunk and flushes it.</summary>
    protected abstract Task WriteTokenAsync(HttpContext context, StubRequest request, int index, string token, CancellationToken cancellationToken);

    /// <summary>Writes what ends a complete reply: the finish reason, usage when reported, the end marker.</summary>
    protected abstract Task FinishStreamAsync(HttpContext context, StubRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Writes an error inside a reply that started with 200, the way the server of this wire format does when it fails
    /// mid-stream (vLLM, LiteLLM and OpenRouter send <c>data: {"error": …}</c>; Ollama a line <c>{"error": "…"}</c>).
    /// </summary>
    protected abstract Task WriteInBandErrorAsync(HttpContext context, StubRequest request, CancellationToken cancellationToken);

    /// <summary>The body of an error answer (<see cref="StubFault.Status"/>) when the fault names none.</summary>
    protected abstract string ErrorBody(int status);

    /// <summary>Records the request, then answers it with the next queued fault or the scripted reply.</summary>
    protected async Task HandleAsync(HttpContext context, string? deployment = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var request = new StubRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            deployment,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            DateTimeOffset.UtcNow);
        _requests.Enqueue(request);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var cancellationToken = stop.Token;
        var registration = context.RequestAborted.Register(request.MarkAborted);
        try
        {
            var fault = KeyFault(request);
            if (fault is null)
                _faults.TryDequeue(out fault);
            switch (fault)
            {
                case { Kind: StubFaultKind.Status }:
                    context.Response.StatusCode = fault.StatusCode;
                    if (fault.RetryAfter is { } retryAfter)
                        context.Response.Headers.RetryAfter = retryAfter;
                    context.Response.ContentType = "application/json";
                    request.MarkFinishing();
                    await context.Response.WriteAsync(fault.Body ?? ErrorBody(fault.StatusCode), cancellationToken);
                    request.MarkCompleted();
                    return;
                case { Kind: StubFaultKind.Stall, AfterTokens: 0 }:
                    // No status line, no headers, nothing: the client waits until it gives up.
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    return;
            }

            await StartStreamAsync(context, request, cancellationToken);
            var tokens = Tokens;
            for (var i = 0; i < tokens.Count; i++)
            {
                if (fault is { AfterTokens: var after } && after == i)
                {
                    if (fault.Kind == StubFaultKind.Drop)
                    {
                        // The stub cut the connection, not the client: that is not an abort to record. A reset
                        // discards what the client has not read yet, so give it a moment to read the tokens first.
                        await registration.DisposeAsync();
                        await Task.Delay(DropPause, cancellationToken);
                        context.Abort();
                        return;
                    }
                    if (fault.Kind is StubFaultKind.Truncate or StubFaultKind.InBandError)
                    {
                        // The response ends cleanly, only early: no finish reason, no end marker (or an error in their place).
                        request.MarkFinishing();
                        if (fault.Kind == StubFaultKind.InBandError)
                            await WriteInBandErrorAsync(context, request, cancellationToken);
                        request.MarkCompleted();
                        return;
                    }
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                if (TokenDelay > TimeSpan.Zero)
                    await Task.Delay(TokenDelay, cancellationToken);
                await WriteTokenAsync(context, request, i, tokens[i], cancellationToken);
            }
            // Every token is out: a client that closes now, having read the end, has not aborted anything.
            request.MarkFinishing();
            await FinishStreamAsync(context, request, cancellationToken);
            request.MarkCompleted();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The client went away (or the stub is stopping): the abort is already recorded.
        }
        finally
        {
            await registration.DisposeAsync();
        }
    }

    private StubFault? KeyFault(StubRequest request)
    {
        var key = KeyOf(request);
        return key is not null && _keyFaults.TryGetValue(key, out var fault) ? fault : null;
    }

    /// <summary>The bearer token or <c>api-key</c> a request carried, for tests that tell credentials apart.</summary>
    public static string? KeyOf(StubRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.GetValueOrDefault("Authorization") is { } bearer && bearer.StartsWith("Bearer ", StringComparison.Ordinal)
            ? bearer["Bearer ".Length..]
            : request.Headers.GetValueOrDefault("api-key");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}

public enum StubFaultKind
{
    /// <summary>Answer with an HTTP error status.</summary>
    Status,

    /// <summary>Send nothing more (no headers when after 0 tokens) until the client aborts.</summary>
    Stall,

    /// <summary>Cut the connection after some tokens.</summary>
    Drop,

    /// <summary>End the response cleanly after some tokens, without the finish reason or the end marker.</summary>
    Truncate,

    /// <summary>Write an in-band error object after some tokens, then end the response.</summary>
    InBandError,
}

/// <summary>What one request gets instead of the scripted reply.</summary>
public sealed record StubFault(StubFaultKind Kind, int StatusCode = 0, string? RetryAfter = null, string? Body = null, int AfterTokens = 0)
{
    /// <summary>An error answer, e.g. 429 with <c>Retry-After</c>, or 500; the body is the wire format's error object unless given.</summary>
    public static StubFault Status(int statusCode, string? retryAfter = null, string? body = null) =>
        new(StubFaultKind.Status, statusCode, retryAfter, body);

    /// <summary>Nothing at all (not even headers) when <paramref name="afterTokens"/> is 0, else silence after that many tokens.</summary>
    public static StubFault Stall(int afterTokens = 0) => new(StubFaultKind.Stall, AfterTokens: afterTokens);

    /// <summary>The connection is cut after <paramref name="afterTokens"/> tokens.</summary>
    public static StubFault DropAfter(int afterTokens) => new(StubFaultKind.Drop, AfterTokens: afterTokens);

    /// <summary>The reply ends cleanly after <paramref name="afterTokens"/> tokens but never says it finished.</summary>
    public static StubFault TruncateAfter(int afterTokens) => new(StubFaultKind.Truncate, AfterTokens: afterTokens);

    /// <summary>An in-band <c>{"error": …}</c> after <paramref name="afterTokens"/> tokens, then the end of the response.</summary>
    public static StubFault ErrorAfter(int afterTokens) => new(StubFaultKind.InBandError, AfterTokens: afterTokens);
}

/// <summary>One request as the stub received it, and what became of it.</summary>
public sealed class StubRequest(
    string method, string pathAndQuery, string? deployment, IReadOnlyDictionary<string, string> headers, string body, DateTimeOffset receivedAt)
{
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JsonElement? _json;
    private volatile bool _finishing;

    public string Method { get; } = method;

    public string PathAndQuery { get; } = pathAndQuery;

    /// <summary>The Azure deployment named in the path, when the request came that way.</summary>
    public string? Deployment { get; } = deployment;

    /// <summary>Request headers by name (case-insensitive), repeated values joined with commas.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; } = headers;

    public string Body { get; } = body;

    /// <summary>When the stub had read the request (after its body).</summary>
    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    public JsonElement Json => _json ??= JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>Completes when the client aborted the request before the stub finished answering.</summary>
    public Task Aborted => _aborted.Task;

    public bool WasAborted => _aborted.Task.IsCompleted;

    /// <summary>True when the stub wrote the whole answer (the reply or the error status).</summary>
    public bool Completed { get; private set; }

    /// <summary>The chat messages sent, as (role, content) pairs in order.</summary>
    public IReadOnlyList<(string Role, string Content)> Messages =>
        [.. Json.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString()!, ContentOf(m)))];

    internal void MarkAborted()
    {
        if (!_finishing)
            _aborted.TrySetResult();
    }

    internal void MarkFinishing() => _finishing = true;

    internal void MarkCompleted()
    {
        _finishing = true;
        Completed = true;
    }

    // OpenAI accepts content as a string or as an array of parts; either way, the text is what a test checks.
    private static string ContentOf(JsonElement message) => message.GetProperty("content") switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString()!,
        { ValueKind: JsonValueKind.Array } parts => string.Concat(parts.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : "")),
        _ => "",
    };
}
