using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmPlatform.Bench.Streaming;

/// <summary>
/// What the streaming benchmarks ask for and what they must get back: the `generate` subscription each of them sends,
/// the echo provider's reply it must stream (copied from <c>EchoChatCompletionService.ReplyTokens</c>, as the query
/// benchmark copies the global id, so that the bench does not load the app's assemblies), and the settings that make
/// the real app's echo provider stream a given number of tokens at a given pace.
/// </summary>
public static class GenerateStream
{
    public const string Subprotocol = "graphql-transport-ws";

    /// <summary>Every connection runs one operation, under this id.</summary>
    public const string OperationId = "1";

    /// <summary>
    /// The operation: start a generation and stream it. It selects only the chunks' index and text (and every event's
    /// type), so the frames are small, as a chat client's would be, and the baseline can send the very same bytes.
    /// </summary>
    public const string GenerateQuery =
        "subscription Stream($prompt: String!, $tokens: Int!) { generate(input: { prompt: $prompt, maxTokens: $tokens }) "
        + "{ __typename ... on TokenChunk { index text } } }";

    /// <summary>The same, on a named provider (the built-in personas name <c>echo</c>, so the default provider alone is not enough).</summary>
    public const string GenerateOnProviderQuery =
        "subscription Stream($prompt: String!, $tokens: Int!, $provider: String!) { generate(input: { prompt: $prompt, maxTokens: $tokens, provider: $provider }) "
        + "{ __typename ... on TokenChunk { index text } } }";

    /// <summary>Watches a generation started elsewhere (the idle benchmark's shared one).</summary>
    public const string WatchQuery =
        "subscription Watch($id: ID!) { generation(id: $id) { __typename ... on TokenChunk { index text } } }";

    public const string StartGenerationMutation =
        "mutation Start($prompt: String!, $tokens: Int!) { startGeneration(input: { prompt: $prompt, maxTokens: $tokens }) "
        + "{ generation { id } userErrors { code message } } }";

    /// <summary>The subscribe message of the `generate` operation.</summary>
    public static string GenerateMessage(string prompt, int tokens) => SubscribeMessage(GenerateQuery, new JsonObject
    {
        ["prompt"] = prompt,
        ["tokens"] = tokens,
    });

    public static string GenerateMessage(string prompt, int tokens, string provider) => SubscribeMessage(GenerateOnProviderQuery, new JsonObject
    {
        ["prompt"] = prompt,
        ["tokens"] = tokens,
        ["provider"] = provider,
    });

    public static string WatchMessage(string generationId) => SubscribeMessage(WatchQuery, new JsonObject { ["id"] = generationId });

    private static string SubscribeMessage(string query, JsonObject variables) => new JsonObject
    {
        ["id"] = OperationId,
        ["type"] = "subscribe",
        ["payload"] = new JsonObject { ["query"] = query, ["variables"] = variables },
    }.ToJsonString();

    /// <summary>The reply's tokens for a prompt: "Echo:" and then the prompt's words, repeated to the reply length.</summary>
    public static IEnumerable<string> EchoReply(string prompt, int count)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var words = prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            words = ["…"];
        yield return "Echo:";
        for (var i = 1; i < count; i++)
            yield return " " + words[(i - 1) % words.Length];
    }

    /// <summary>
    /// Command-line settings for the real app: its echo provider streams <paramref name="tokens"/> tokens,
    /// <paramref name="delay"/> apart, and its model allows a reply that long. Plus the ones every streaming run needs:
    /// a provider that is slow on purpose must not be failed for silence, and the load, all from one address, must not
    /// be rate limited.
    /// </summary>
    public static IReadOnlyList<string> EchoSettings(int tokens, TimeSpan delay) =>
    [
        $"--Llm:Providers:echo:EchoReplyTokens={tokens.ToString(CultureInfo.InvariantCulture)}",
        $"--Llm:Providers:echo:EchoTokenDelay={delay.ToString("c", CultureInfo.InvariantCulture)}",
        $"--Llm:Providers:echo:Models:echo-1:MaxOutputTokens={Math.Max(tokens, 4096).ToString(CultureInfo.InvariantCulture)}",
        $"--Llm:Providers:echo:Models:echo-1:ContextWindow={(Math.Max(tokens, 4096) + 8192).ToString(CultureInfo.InvariantCulture)}",
        $"--Llm:Generation:ProviderIdleTimeout={IdleTimeout(delay).ToString("c", CultureInfo.InvariantCulture)}",
        "--Llm:RateLimits:Enabled=false",
    ];

    /// <summary>A minute more than the token delay, within the option's range (at most an hour).</summary>
    private static TimeSpan IdleTimeout(TimeSpan delay) =>
        delay + TimeSpan.FromMinutes(1) is var timeout && timeout < TimeSpan.FromHours(1) ? timeout : TimeSpan.FromHours(1);

    /// <summary>
    /// One received message, read as the benchmarks need it (with <see cref="Utf8JsonReader"/>, no copy: the fan-out
    /// client reads 50,000 of these a second on one core). Null fields are absent from the message.
    /// </summary>
    public static Frame Parse(ReadOnlySpan<byte> utf8)
    {
        string? type = null, id = null, typeName = null, text = null;
        var index = -1;
        var errors = false;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            // Where the reader is: 1 = the message, 2 = payload, 3 = payload.data, 4 = payload.data.<field>.
            var depth = 0;
            var inPayload = false;
            var inData = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        depth++;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        depth--;
                        if (depth < 3)
                            inData = false;
                        if (depth < 2)
                            inPayload = false;
                        break;
                    case JsonTokenType.PropertyName:
                        if (depth == 1 && reader.ValueTextEquals("type"u8))
                            type = ReadString(ref reader);
                        else if (depth == 1 && reader.ValueTextEquals("id"u8))
                            id = ReadString(ref reader);
                        else if (depth == 1 && reader.ValueTextEquals("payload"u8))
                            inPayload = true;
                        else if (depth == 2 && inPayload && reader.ValueTextEquals("errors"u8))
                            errors = true;
                        else if (depth == 2 && inPayload && reader.ValueTextEquals("data"u8))
                            inData = true;
                        else if (depth == 4 && inData && reader.ValueTextEquals("__typename"u8))
                            typeName = ReadString(ref reader);
                        else if (depth == 4 && inData && reader.ValueTextEquals("index"u8) && reader.Read() && reader.TokenType == JsonTokenType.Number)
                            index = reader.GetInt32();
                        else if (depth == 4 && inData && reader.ValueTextEquals("text"u8))
                            text = ReadString(ref reader);
                        break;
                }
            }
            return new Frame(type, id, typeName, index, text, errors || type == "error");
        }
        catch (JsonException)
        {
            return new Frame(null, null, null, -1, null, HasErrors: true);
        }

        static string? ReadString(ref Utf8JsonReader reader) =>
            reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }
}

/// <summary>A received graphql-transport-ws message: its type, and for a `next` the event's type and a chunk's index and text.</summary>
public readonly record struct Frame(string? Type, string? Id, string? TypeName, int Index, string? Text, bool HasErrors)
{
    public bool IsChunk => Type == "next" && TypeName == "TokenChunk";
}
