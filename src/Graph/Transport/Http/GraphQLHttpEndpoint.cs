using GraphQL;
using GraphQL.Transport;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Transport.Http;

/// <summary>
/// GraphQL over HTTP (graphql-over-http spec): GET for queries, POST with a JSON body for any operation;
/// responds with application/graphql-response+json when the client accepts it, else application/json.
/// </summary>
internal sealed partial class GraphQLHttpEndpoint(
    OperationExecutor executor,
    IGraphQLTextSerializer serializer,
    IOptions<TransportOptions> options,
    ILogger<GraphQLHttpEndpoint> logger)
{
    private readonly HttpRequestReader _reader = new(serializer, options.Value);

    public async Task HandleAsync(HttpContext context)
    {
        var http = context.Request;
        var isGet = HttpMethods.IsGet(http.Method);
        if (!isGet && !HttpMethods.IsPost(http.Method))
        {
            context.Response.Headers.Allow = "GET, POST";
            await WriteRequestErrorAsync(context, MediaTypes.Json, new RequestError(StatusCodes.Status405MethodNotAllowed, "Use GET or POST."));
            return;
        }

        var mediaType = MediaTypes.Negotiate(http.Headers.Accept);
        if (mediaType is null)
        {
            await WriteRequestErrorAsync(context, MediaTypes.Json, new RequestError(StatusCodes.Status406NotAcceptable,
                $"Accept {MediaTypes.GraphQLResponse} or {MediaTypes.Json}."));
            return;
        }

        var (request, error) = await _reader.ReadAsync(context);
        if (error is not null)
        {
            LogRequestRefused(logger, error.StatusCode, error.Message);
            await WriteRequestErrorAsync(context, mediaType, error);
            return;
        }

        var result = await executor.ExecuteAsync(request!, context.User, context.RequestServices,
            isGet ? OnlyQueriesValidationRule.Instance : null, context.RequestAborted);
        if (context.RequestAborted.IsCancellationRequested)
            return;

        context.Response.StatusCode = StatusCodeFor(result, mediaType, isGet, context);
        context.Response.ContentType = mediaType == MediaTypes.GraphQLResponse ? MediaTypes.GraphQLResponseUtf8 : MediaTypes.JsonUtf8;
        await serializer.WriteAsync(context.Response.Body, result, context.RequestAborted);
    }

    private static int StatusCodeFor(ExecutionResult result, string mediaType, bool isGet, HttpContext context)
    {
        if (isGet && result.Errors?.Any(e => e is GraphQL.Validation.ValidationError { Number: OnlyQueriesValidationRule.Code }) == true)
        {
            context.Response.Headers.Allow = "POST";
            return StatusCodes.Status405MethodNotAllowed;
        }
        // Under application/json every GraphQL response is 200 (legacy clients read errors from the body);
        // under application/graphql-response+json a request that never executed is the client's fault: 400.
        return mediaType == MediaTypes.GraphQLResponse && !result.Executed
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status200OK;
    }

    private Task WriteRequestErrorAsync(HttpContext context, string mediaType, RequestError error)
    {
        context.Response.StatusCode = error.StatusCode;
        context.Response.ContentType = mediaType == MediaTypes.GraphQLResponse ? MediaTypes.GraphQLResponseUtf8 : MediaTypes.JsonUtf8;
        var result = new ExecutionResult { Errors = [new ExecutionError(error.Message) { Code = "BAD_REQUEST" }] };
        return serializer.WriteAsync(context.Response.Body, result, context.RequestAborted);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Refused a GraphQL HTTP request with {StatusCode}: {Reason}")]
    private static partial void LogRequestRefused(ILogger logger, int statusCode, string reason);
}
