using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// One subscription over graphql-sse (distinct connections mode) against any server — in this process or another —
/// read as its results arrive: each <c>next</c> event's payload, until <c>complete</c>.
/// </summary>
public static class SseSubscription
{
    public static async IAsyncEnumerable<JsonObject> SubscribeAsync(
        HttpClient client, string query, JsonObject? variables, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(new JsonObject { ["query"] = query, ["variables"] = variables }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            Assert.Fail($"The subscription was refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (name == "complete")
                    yield break;
                if (name == "next")
                    yield return JsonNode.Parse(data.ToString())!.AsObject();
                name = null;
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line["data:".Length..].TrimStart());
            }
        }
    }

    /// <summary>The results of a subscription until it completes, or until <paramref name="stopAfter"/> says enough.</summary>
    public static async Task<List<JsonObject>> CollectAsync(
        HttpClient client, string query, JsonObject? variables, Func<List<JsonObject>, bool>? stopAfter = null, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(60));
        var results = new List<JsonObject>();
        try
        {
            await foreach (var result in SubscribeAsync(client, query, variables, timeout.Token))
            {
                results.Add(result);
                if (stopAfter?.Invoke(results) == true)
                {
                    // Leave at once: disposing an unfinished response would first drain what the server keeps sending.
                    await timeout.CancelAsync();
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stopAfter?.Invoke(results) == true)
        {
            // Cancelled on purpose, above.
        }
        return results;
    }
}
