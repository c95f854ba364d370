using GraphQL;
using Microsoft.Net.Http.Headers;

namespace LlmPlatform.Graph.Transport.Multipart;

/// <summary>
/// Apollo Client's multipart HTTP subscriptions (what its HttpLink uses without a WebSocket): a POST whose Accept
/// names multipart/mixed with a subscriptionSpec streams the operation's results as parts of one response; closing
/// the request stops the operation.
/// </summary>
internal sealed class MultipartSubscriptionEndpoint(StreamedResponseRunner runner, IGraphQLTextSerializer serializer)
{
    private const string MultipartMixed = "multipart/mixed";

    /// <summary>True for a POST whose Accept names multipart/mixed with a subscriptionSpec parameter.</summary>
    public static bool Accepts(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Most requests are not for a stream: a substring check spares them parsing the header.
        return HttpMethods.IsPost(request.Method)
            && request.Headers.Accept.ToString().Contains("subscriptionSpec", StringComparison.OrdinalIgnoreCase)
            && MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
            && accepted.Any(a => string.Equals(a.MediaType.Value, MultipartMixed, StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) > 0
                && a.Parameters.Any(p => string.Equals(p.Name.Value, "subscriptionSpec", StringComparison.OrdinalIgnoreCase)));
    }

    public Task HandleAsync(HttpContext context) =>
        runner.ServeAsync(context, MultipartFraming.ContentType, MultipartFraming.Preamble, new MultipartFraming(serializer), MultipartFraming.Heartbeat);
}
