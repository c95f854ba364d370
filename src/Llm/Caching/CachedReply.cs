using System.Text.Json;
using LlmPlatform.Data.Entities;

namespace LlmPlatform.Llm.Caching;

/// <summary>
/// A completed reply as the cache keeps it: its text, how it ended, and the tokens it took (<paramref name="Estimated"/>
/// when they were counted here, not reported by the provider). Never a key or a user id.
/// </summary>
public sealed record CachedReply(string Text, FinishReason FinishReason, int PromptTokens, int CompletionTokens, bool Estimated)
{
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>The reply, or null when the bytes are not one (a format from another version): a miss, not a failure.</summary>
    public static CachedReply? Deserialize(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<CachedReply>(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
