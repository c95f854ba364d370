using System.Text;
using GraphQL;

namespace LlmPlatform.Graph.Transport.Multipart;

/// <summary>
/// Apollo's multipart HTTP subscription protocol: a multipart/mixed body whose parts are JSON, each result wrapped as
/// <c>{"payload": result}</c>, a heartbeat <c>{}</c> when idle, and a fatal error as <c>{"payload": null, "errors"}</c>.
/// Every part ends with the next delimiter, because a client reads a part only once the delimiter after it arrives.
/// </summary>
internal sealed class MultipartFraming(IGraphQLTextSerializer serializer) : IResultFraming
{
    public const string Boundary = "graphql";

    public const string ContentType = "multipart/mixed;boundary=\"" + Boundary + "\";subscriptionSpec=\"1.0\"";

    /// <summary>Opens the body: the first delimiter, which every part follows.</summary>
    public static readonly byte[] Preamble = Encoding.UTF8.GetBytes("\r\n--" + Boundary);

    public static readonly byte[] Heartbeat = Part("{}");

    private static readonly byte[] End = "--\r\n"u8.ToArray();

    public byte[] Next(ExecutionResult result) => Part("{\"payload\":" + serializer.Serialize(result) + "}");

    // Refused before it ran: a result holding the errors, as a GraphQL response without data.
    public byte[] Refused(IReadOnlyList<ExecutionError> errors) => [.. Next(new ExecutionResult { Errors = [.. errors] }), .. End];

    // A transport-level error, which the protocol sends outside the payload: the subscription is over.
    public byte[] Failed(ExecutionError error)
    {
        var errors = serializer.Serialize(new ExecutionResult { Errors = [error] }); // {"errors":[…]}
        return [.. Part("{\"payload\":null," + errors[1..]), .. End];
    }

    public byte[] Completed() => End;

    private static byte[] Part(string json) =>
        Encoding.UTF8.GetBytes("\r\nContent-Type: application/json; charset=utf-8\r\n\r\n" + json + "\r\n--" + Boundary);
}
