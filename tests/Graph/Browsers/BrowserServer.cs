using System.Globalization;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Browsers;

/// <summary>
/// The server as <c>dotnet run</c> starts it (Development: the explorer, the chat page, CORS for pages on localhost
/// and 127.0.0.1, no token needed), with echo replies of <see cref="ReplyTokens"/> tokens that last a few seconds,
/// so a person (or a test) can cancel one or reload in the middle.
/// </summary>
public sealed class BrowserServer : ConfiguredSqliteServer
{
    public const int ReplyTokens = 120;

    public BrowserServer()
    {
        Set("Auth:AnonymousAsLocalUser", null);
        Set("Llm:Providers:echo:EchoReplyTokens", ReplyTokens.ToString(CultureInfo.InvariantCulture));
        Set("Llm:Providers:echo:EchoTokenDelay", "00:00:00.040");
    }

    protected override string Environment => "Development";

    /// <summary>The reply echo streams for <paramref name="prompt"/>.</summary>
    public static string FullReply(string prompt, int tokens = ReplyTokens) => StreamingServer.FullReply(prompt, tokens);
}
