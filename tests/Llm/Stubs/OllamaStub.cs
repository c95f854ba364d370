using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlmPlatform.Testing.Stubs;

/// <summary>
/// Ollama's native chat API: <c>POST /api/chat</c> (or <c>/{prefix}/api/chat</c>, as behind a proxy) answered with newline-delimited JSON, one line per token
/// (<c>"done": false</c>), then a last line with <c>"done": true</c>, the <c>done_reason</c> and, when usage is
/// reported, <c>prompt_eval_count</c> and <c>eval_count</c>.
/// </summary>
public sealed class OllamaStub : StubServer
{
    private OllamaStub()
    {
    }

    /// <summary>The endpoint to configure (the server's root): clients append <c>api/chat</c>.</summary>
    public Uri Endpoint => BaseAddress;

    public static async Task<OllamaStub> StartAsync()
    {
        var stub = new OllamaStub();
        await stub.ListenAsync();
        return stub;
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/api/chat", context => HandleAsync(context));
        // Behind a reverse proxy that serves Ollama under a path of its own (configure Endpoint + "name").
        app.MapPost("/{prefix}/api/chat", context => HandleAsync(context));
    }

    protected override async Task StartStreamAsync(HttpContext context, StubRequest request, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-ndjson";
        await context.Response.StartAsync(cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    protected override Task WriteTokenAsync(HttpContext context, StubRequest request, int index, string token, CancellationToken cancellationToken) =>
        WriteLineAsync(context, Line(request, token, done: false), cancellationToken);

    protected override Task FinishStreamAsync(HttpContext context, StubRequest request, CancellationToken cancellationToken)
    {
        var last = Line(request, "", done: true);
        last["done_reason"] = FinishReason;
        last["total_duration"] = 1_000_000;
        if (ReportUsage)
        {
            last["prompt_eval_count"] = PromptTokens;
            last["prompt_eval_duration"] = 100_000;
            last["eval_count"] = CompletionTokens;
            last["eval_duration"] = 900_000;
        }
        return WriteLineAsync(context, last, cancellationToken);
    }

    // What Ollama writes when the runner dies after the reply started.
    protected override Task WriteInBandErrorAsync(HttpContext context, StubRequest request, CancellationToken cancellationToken) =>
        WriteLineAsync(context, new JsonObject { ["error"] = "llama runner process has terminated" }, cancellationToken);

    protected override string ErrorBody(int status) => new JsonObject
    {
        ["error"] = status == StatusCodes.Status429TooManyRequests ? "too many requests" : "llama runner process has terminated",
    }.ToJsonString();

    private static JsonObject Line(StubRequest request, string content, bool done) => new()
    {
        ["model"] = request.Json.TryGetProperty("model", out var model) ? model.GetString() : null,
        ["created_at"] = DateTimeOffset.UtcNow.ToString("O"),
        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
        ["done"] = done,
    };

    private static async Task WriteLineAsync(HttpContext context, JsonObject line, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync(line.ToJsonString() + "\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
