using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Caching;
using LlmPlatform.Llm.Generation;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Tests.Caching;

public sealed class ResponseCacheKeyTests
{
    private static readonly Guid User = Guid.NewGuid();

    [Fact]
    public void EqualRequests_HaveEqualKeys_ThatRevealNothing()
    {
        var key = ResponseCacheKey.Compute(Request());

        Assert.Equal(key, ResponseCacheKey.Compute(Request()));
        Assert.Equal(key, ResponseCacheKey.Compute(Request() with { Provider = "LOCAL" }));
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.Equal(key, ResponseCacheKey.Compute(Request(keyOwner: null)));
    }

    public static TheoryData<string> Changes => ["provider", "model", "keyOwner", "system", "history", "prompt", "temperature", "maxTokens", "topP", "format", "schema", "strict"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void AnythingThatDecidesTheReply_ChangesTheKey(string change)
    {
        var changed = change switch
        {
            "provider" => Request() with { Provider = "other" },
            "model" => Request() with { Model = "m2" },
            "keyOwner" => Request(keyOwner: User),
            "system" => Request(system: "Be long."),
            "history" => Request(earlier: "an earlier turn"),
            "prompt" => Request(prompt: "hi!"),
            "temperature" => Request() with { Temperature = 0.1 },
            "maxTokens" => Request() with { MaxTokens = 101 },
            "topP" => Request() with { TopP = 0.9 },
            "format" => Request() with { Format = new ResponseFormat(ResponseFormatKind.JsonObject) },
            "schema" => Request() with { Format = new ResponseFormat(ResponseFormatKind.JsonSchema, "s", """{"type":"object"}""") },
            "strict" => Request() with { Format = new ResponseFormat(ResponseFormatKind.JsonSchema, "s", """{"type":"string"}""", Strict: true) },
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        var baseline = change == "strict"
            ? Request() with { Format = new ResponseFormat(ResponseFormatKind.JsonSchema, "s", """{"type":"string"}""") }
            : Request();

        Assert.NotEqual(ResponseCacheKey.Compute(baseline), ResponseCacheKey.Compute(changed));
    }

    private static ResponseCacheRequest Request(Guid? keyOwner = null, string system = "Be brief.", string? earlier = null, string prompt = "hi") =>
        new("local", "m", keyOwner, History(system, earlier, prompt), 0, 100, null, ResponseFormat.Text, Wanted: true);

    private static ChatHistory History(string system, string? earlier, string prompt)
    {
        var history = new ChatHistory(system);
        if (earlier is not null)
        {
            history.AddUserMessage(earlier);
            history.AddAssistantMessage("ok");
        }
        history.AddUserMessage(prompt);
        return history;
    }
}
