using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Bench.Runner;

namespace LlmPlatform.Bench.Streaming;

/// <summary>Starts a generation over HTTP (<c>startGeneration</c>), for a viewer to watch with <c>generation(id:)</c>.</summary>
public static class GenerationStarter
{
    /// <summary>The new generation's id; fails the run when the server did not start one.</summary>
    public static async Task<string> StartAsync(HttpClient http, Uri graphql, string prompt, int tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var body = new JsonObject
        {
            ["query"] = GenerateStream.StartGenerationMutation,
            ["variables"] = new JsonObject { ["prompt"] = prompt, ["tokens"] = tokens },
        }.ToJsonString();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(graphql, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return JsonNode.Parse(text)?["data"]?["startGeneration"]?["generation"]?["id"]?.GetValue<string>()
            ?? throw new BenchmarkFailedException($"startGeneration did not start a generation: {text}");
    }
}
