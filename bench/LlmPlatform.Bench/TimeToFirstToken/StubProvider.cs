using System.Text;
using System.Text.Json;
using LlmPlatform.Bench.Cli;

namespace LlmPlatform.Bench.TimeToFirstToken;

/// <summary>
/// <c>stub-provider</c>: an OpenAI-compatible provider that answers at once, its own process. <c>POST
/// /v1/chat/completions</c> reads and parses the request, then streams server-sent events: the first token, flushed
/// alone, then the rest of <see cref="Reply"/>, a chunk with <c>finish_reason: "stop"</c>, the usage chunk when the
/// request asked for it (<c>stream_options.include_usage</c>, as Semantic Kernel does), and <c>data: [DONE]</c>.
/// Every chunk is written ahead of time, so the stub costs the same few microseconds whoever calls it: the app, or
/// the load process directly.
/// </summary>
public static class StubProvider
{
    public const string ChatPath = "/v1/chat/completions";
    public const string ReadyPath = "/health/ready";
    public const string Model = "stub-1";

    /// <summary>The reply's tokens, in order; the first is sent before anything else is written.</summary>
    public static readonly IReadOnlyList<string> Reply = ["Hello", " from", " the", " stub", "."];

    private static readonly byte[] FirstChunk = Encoding.UTF8.GetBytes(Event(Delta(Reply[0], role: true, finish: null)));

    private static readonly byte[] RestOfReply = Encoding.UTF8.GetBytes(
        string.Concat(Reply.Skip(1).Select(token => Event(Delta(token, role: false, finish: null))))
        + Event(Delta(null, role: false, finish: "stop")));

    private static readonly byte[] Usage = Encoding.UTF8.GetBytes(Event(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["id"] = "chatcmpl-bench",
        ["object"] = "chat.completion.chunk",
        ["created"] = 0,
        ["model"] = Model,
        ["choices"] = Array.Empty<object>(),
        ["usage"] = new Dictionary<string, int> { ["prompt_tokens"] = 8, ["completion_tokens"] = Reply.Count, ["total_tokens"] = 8 + Reply.Count },
    })));

    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var urls = arguments.Required("urls");
        arguments.ThrowIfUnread();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapPost(ChatPath, (RequestDelegate)HandleAsync);
        app.MapGet(ReadyPath, () => "Healthy");
        await app.RunAsync();
        return 0;
    }

    /// <summary>The request body the load process sends when it calls the stub directly: what the app's connector sends, in shape.</summary>
    public static string DirectRequest(string prompt, int maxTokens) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["model"] = Model,
        ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = prompt } },
        ["max_tokens"] = maxTokens,
        ["stream"] = true,
        ["stream_options"] = new Dictionary<string, bool> { ["include_usage"] = true },
    });

    private static async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        bool includeUsage;
        using (var request = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken))
        {
            includeUsage = request.RootElement.TryGetProperty("stream_options", out var options)
                && options.ValueKind == JsonValueKind.Object
                && options.TryGetProperty("include_usage", out var include)
                && include.ValueKind == JsonValueKind.True;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.WriteAsync(FirstChunk, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
        await context.Response.Body.WriteAsync(RestOfReply, cancellationToken);
        if (includeUsage)
            await context.Response.Body.WriteAsync(Usage, cancellationToken);
        await context.Response.Body.WriteAsync(Done, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private static string Delta(string? content, bool role, string? finish)
    {
        var delta = new Dictionary<string, string>();
        if (role)
            delta["role"] = "assistant";
        if (content is not null)
            delta["content"] = content;
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "chatcmpl-bench",
            ["object"] = "chat.completion.chunk",
            ["created"] = 0,
            ["model"] = Model,
            ["choices"] = new[] { new Dictionary<string, object?> { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish } },
        });
    }

    private static string Event(string json) => "data: " + json + "\n\n";
}
