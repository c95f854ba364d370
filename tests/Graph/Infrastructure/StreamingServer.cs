namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// A server for the streaming transports: the echo provider writes up to <see cref="ReplyTokens"/> tokens,
/// one every <see cref="TokenDelay"/>, so a long reply is still running when a client leaves (tests ask
/// `maxTokens` for a short one), and a generation nobody watches any more is cancelled at once.
/// Derive to change more settings; the generation itself never touches the database per token, so SQLite it is.
/// </summary>
public class StreamingServer : ConfiguredSqliteServer
{
    public const int ReplyTokens = 1000;

    public static readonly TimeSpan TokenDelay = TimeSpan.FromMilliseconds(20);

    public StreamingServer()
    {
        Set("Llm:Providers:echo:EchoReplyTokens", ReplyTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set("Llm:Providers:echo:EchoTokenDelay", TokenDelay.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        Set("Llm:Generation:CancelWhenUnwatchedAfter", "00:00:00");
    }

    /// <summary>The whole reply echo writes for <paramref name="prompt"/> when nothing stops it.</summary>
    public static string FullReply(string prompt, int tokens = ReplyTokens) =>
        string.Concat(LlmPlatform.Llm.Providers.Echo.EchoChatCompletionService.ReplyTokens(prompt, tokens));
}
