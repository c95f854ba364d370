using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlmPlatform.Testing.Stubs;

/// <summary>
/// OpenAI's chat completions API as OpenAI, Azure OpenAI and the OpenAI-compatible servers (vLLM, llama.cpp,
/// LM Studio, Ollama's /v1) stream it: <c>POST /v1/chat/completions</c> and
/// <c>POST /openai/deployments/{deployment}/chat/completions</c>, answered with server-sent events, one
/// <c>chat.completion.chunk</c> per token, a last chunk with the finish reason, a usage chunk when the request
/// asked for one (<c>stream_options.include_usage</c>), then <c>data: [DONE]</c>.
/// </summary>
public sealed class OpenAICompatibleStub : StubServer
{
    private OpenAICompatibleStub()
    {
    }

    /// <summary>The OpenAI endpoint to configure (<c>…/v1/</c>): clients append <c>chat/completions</c>.</summary>
    public Uri OpenAIEndpoint => new(BaseAddress, "v1/");

    /// <summary>The Azure OpenAI endpoint to configure (the server's root).</summary>
    public Uri AzureEndpoint => BaseAddress;

    public static async Task<OpenAICompatibleStub> StartAsync()
    {
        var stub = new OpenAICompatibleStub();
        await stub.ListenAsync();
        return stub;
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v1/chat/completions", context => HandleAsync(context));
        app.MapPost("/openai/deployments/{deployment}/chat/completions",
            context => HandleAsync(context, context.Request.RouteValues["deployment"]?.ToString()));
    }

    protected override async Task StartStreamAsync(HttpContext context, StubRequest request, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    protected override Task WriteTokenAsync(HttpContext context, StubRequest request, int index, string token, CancellationToken cancellationToken)
    {
        // Like OpenAI, the first delta also says who speaks.
        var delta = index == 0
            ? new JsonObject { ["role"] = "assistant", ["content"] = token }
            : new JsonObject { ["content"] = token };
        return WriteEventAsync(context, Chunk(request, new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = null }), cancellationToken);
    }

    protected override async Task FinishStreamAsync(HttpContext context, StubRequest request, CancellationToken cancellationToken)
    {
        await WriteEventAsync(context, Chunk(request, new JsonObject { ["index"] = 0, ["delta"] = new JsonObject(), ["finish_reason"] = FinishReason }), cancellationToken);
        if (ReportUsage && AskedForUsage(request))
        {
            var usage = Chunk(request, choice: null);
            usage["usage"] = new JsonObject
            {
                ["prompt_tokens"] = PromptTokens,
                ["completion_tokens"] = CompletionTokens,
                ["total_tokens"] = PromptTokens + CompletionTokens,
            };
            await WriteEventAsync(context, usage, cancellationToken);
        }
        await context.Response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    protected override async Task WriteInBandErrorAsync(HttpContext context, StubRequest request, CancellationToken cancellationToken)
    {
        // vLLM's shape; LiteLLM and OpenRouter send the same object, and all of them end the stream with [DONE] after it.
        await WriteEventAsync(context, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = "The model crashed mid-reply.", ["type"] = "server_error", ["code"] = 500 },
        }, cancellationToken);
        await context.Response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    protected override string ErrorBody(int status) => new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["message"] = status == StatusCodes.Status429TooManyRequests ? "Rate limit reached for requests." : "The server had an error while processing your request.",
            ["type"] = status == StatusCodes.Status429TooManyRequests ? "rate_limit_exceeded" : "server_error",
            ["code"] = null,
        },
    }.ToJsonString();

    /// <summary>True when the request asked for the usage chunk (<c>"stream_options": {"include_usage": true}</c>).</summary>
    public static bool AskedForUsage(StubRequest request) =>
        request?.Json.TryGetProperty("stream_options", out var options) == true
        && options.ValueKind == JsonValueKind.Object
        && options.TryGetProperty("include_usage", out var include)
        && include.ValueKind == JsonValueKind.True;

    private static JsonObject Chunk(StubRequest request, JsonObject? choice) => new()
    {
        ["id"] = "chatcmpl-stub",
        ["object"] = "chat.completion.chunk",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = request.Json.TryGetProperty("model", out var model) ? model.GetString() : request.Deployment,
        ["choices"] = choice is null ? new JsonArray() : new JsonArray(choice),
    };

    private static async Task WriteEventAsync(HttpContext context, JsonObject data, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync("data: " + data.ToJsonString() + "\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
