using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Sse;

/// <summary>
/// A raw graphql-sse request (distinct connections mode): POSTs one operation accepting text/event-stream and
/// reads the events as they arrive. Every wait is bounded by <see cref="GenerationStreams.Wait"/>.
/// </summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly StringBuilder _text = new();

    private SseStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public static async Task<SseStream> PostOperationAsync(PlatformServer server, string query, JsonObject? variables = null, string? token = null) =>
        await PostBodyAsync(server, new JsonObject { ["query"] = query, ["variables"] = variables }.ToJsonString(), token);

    public static async Task<SseStream> PostBodyAsync(PlatformServer server, string body, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await OpenAsync(server, request);
    }

    /// <summary>Sends <paramref name="request"/> accepting text/event-stream, and reads the events of its response.</summary>
    public static async Task<SseStream> OpenAsync(PlatformServer server, HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var timeout = new CancellationTokenSource(GenerationStreams.Wait);
        var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
        return new SseStream(response, reader);
    }

    /// <summary>The next event (comments skipped); null when the stream ended.</summary>
    public async Task<(string Event, string Data)?> ReadEventAsync()
    {
        using var timeout = new CancellationTokenSource(GenerationStreams.Wait);
        string? name = null;
        var data = new StringBuilder();
        try
        {
            while (await _reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (name is null && data.Length == 0)
                        continue;
                    return (name ?? "message", data.ToString());
                }
                _text.AppendLine(line);
                if (line.StartsWith(':'))
                    continue;
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..];
                if (value.StartsWith(' '))
                    value = value[1..];
                if (field == "event")
                    name = value;
                else if (field == "data")
                    data.Append(data.Length > 0 ? "\n" : "").Append(value);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"No event arrived within {GenerationStreams.Wait.TotalSeconds} s.");
        }
        return null;
    }

    /// <summary>The next event, which must be a `next`: its result.</summary>
    public async Task<JsonObject> ReadNextAsync()
    {
        var received = await ReadEventAsync();
        Assert.True(received is ("next", _), $"Expected a next event, got {received}");
        return JsonNode.Parse(received.Value.Data)!.AsObject();
    }

    /// <summary>Every result up to the `complete` event, which must come, and then the end of the stream.</summary>
    public async Task<List<JsonObject>> ReadToCompleteAsync()
    {
        var results = new List<JsonObject>();
        while (true)
        {
            var received = await ReadEventAsync();
            if (received is null)
                Assert.Fail($"The stream ended without a complete event (HTTP {(int)_response.StatusCode}, {_response.Content.Headers.ContentType}): {_text}");
            if (received.Value.Event == "complete")
                break;
            Assert.Equal("next", received.Value.Event);
            results.Add(JsonNode.Parse(received.Value.Data)!.AsObject());
        }
        Assert.Null(await ReadEventAsync());
        return results;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
