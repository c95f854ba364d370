using GraphQL;
using LlmPlatform.Graph.Transport.Http;

namespace LlmPlatform.Graph.Transport;

/// <summary>Answers a request refused before any stream opened as GraphQL over HTTP would: its status and a JSON error.</summary>
internal static class RequestErrorResponse
{
    public static Task WriteAsync(HttpContext context, IGraphQLTextSerializer serializer, RequestError error)
    {
        context.Response.StatusCode = error.StatusCode;
        context.Response.ContentType = MediaTypes.JsonUtf8;
        var result = new ExecutionResult { Errors = [new ExecutionError(error.Message) { Code = error.Code }] };
        return serializer.WriteAsync(context.Response.Body, result, context.RequestAborted);
    }
}
