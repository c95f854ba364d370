using System.Text.Json.Serialization;

namespace LlmPlatform.Graph.Ide;

/// <summary>
/// What Banana Cake Pop reads from <c>bcp-config.json</c> beside its page before it opens a document: the
/// endpoint is the page's own address (<c>/graphql</c>), subscriptions go over graphql-transport-ws, and it sends
/// no telemetry, so the explorer talks to this server and nothing else.
/// </summary>
internal sealed record ExplorerConfig(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("useBrowserUrlAsEndpoint")] bool UseBrowserUrlAsEndpoint,
    [property: JsonPropertyName("subscriptionProtocol")] string SubscriptionProtocol,
    [property: JsonPropertyName("includeCookies")] bool IncludeCookies,
    [property: JsonPropertyName("disableTelemetry")] bool DisableTelemetry);
