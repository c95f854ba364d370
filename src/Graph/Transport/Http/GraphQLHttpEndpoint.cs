using System.Diagnostics;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Transport;
using GraphQL.Validation;
using LlmPlatform.Graph.Schema.PersistedOperations;
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
    IOptions<BatchingOptions> batching,
    ILogger<GraphQLHttpEndpoint> logger)
{
    private readonly HttpRequestReader _reader = new(serializer, options.Value, batching.Value.Enabled ? batching.Value.MaxBatchSize : 0);

    public async Task HandleAsync(HttpContext context)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        var http = context.Request;
        // The response's media type follows the Accept header, so a cache must not serve one client's to another.
        context.Response.Headers.Vary = "Accept";
        var isGet = HttpMethods.IsGet(http.Method);
        if (!isGet && !HttpMethods.IsPost(http.Method))
        {
            context.Response.Headers.Allow = "GET, POST";
            await WriteRequestErrorAsync(context, MediaTypes.Json, new RequestError(StatusCodes.Status405MethodNotAllowed,
                "METHOD_NOT_ALLOWED", "Use GET or POST."));
            return;
        }

        var mediaType = MediaTypes.Negotiate(http.Headers.Accept);
        if (mediaType is null)
        {
            await WriteRequestErrorAsync(context, MediaTypes.Json, new RequestError(StatusCodes.Status406NotAcceptable,
                "NOT_ACCEPTABLE", $"Accept {MediaTypes.GraphQLResponse} or {MediaTypes.Json}."));
            return;
        }

        try
        {
            var (operations, error) = await _reader.ReadAsync(context);
            if (error is not null)
            {
                Log.RequestRefused(logger, error.StatusCode, error.Message);
                await WriteRequestErrorAsync(context, mediaType, error);
                return;
            }
            if (operations!.IsBatch)
            {
                await ExecuteBatchAsync(context, mediaType, operations.Requests, receivedAt);
                return;
            }

            var result = await executor.ExecuteAsync(operations.Requests[0], context.User, context.Connection.RemoteIpAddress, context.RequestServices,
                isGet ? OperationTypeValidationRule.OnlyQueries : OperationTypeValidationRule.NoSubscriptions, receivedAt, context.RequestAborted);
            context.Response.StatusCode = StatusCodeFor(result, mediaType, isGet, context);
            context.Response.ContentType = ContentTypeOf(mediaType);
            await serializer.WriteAsync(context.Response.Body, result, context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer.
        }
    }

    /// <summary>
    /// Runs a batch (always a POST) one operation after another, each with every limit of a single request, and
    /// answers with their results in order. The status is 200: each result carries its own errors, and no one status
    /// could speak for all of them.
    /// </summary>
    private async Task ExecuteBatchAsync(HttpContext context, string mediaType, IReadOnlyList<GraphQLRequest> requests, long receivedAt)
    {
        var results = new List<ExecutionResult>(requests.Count);
        foreach (var request in requests)
        {
            results.Add(await executor.ExecuteAsync(request, context.User, context.Connection.RemoteIpAddress, context.RequestServices,
                OperationTypeValidationRule.NoSubscriptions, receivedAt, context.RequestAborted));
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ContentTypeOf(mediaType);
        await serializer.WriteAsync(context.Response.Body, results, context.RequestAborted);
    }

    private static int StatusCodeFor(ExecutionResult result, string mediaType, bool isGet, HttpContext context)
    {
        if (isGet && result.Errors?.Any(e => e is ValidationError { Number: OperationTypeValidationRule.MethodNotAllowedCode }) == true)
        {
            context.Response.Headers.Allow = "POST";
            return StatusCodes.Status405MethodNotAllowed;
        }
        // A malformed persisted query is a malformed request, whichever type the client reads.
        if (!result.Executed && result.Errors?.Any(e => e is InvalidPersistedQueryError) == true)
            return StatusCodes.Status400BadRequest;
        // Under application/json every GraphQL response is 200 (legacy clients read errors from the body).
        // Under application/graphql-response+json a response without data must not be 2xx: a request that never
        // executed is the client's fault (400) unless the server ran out of time (504) or failed (500).
        if (mediaType != MediaTypes.GraphQLResponse || result.Executed)
            return StatusCodes.Status200OK;
        if (result.Errors?.Any(e => e is TimeoutError) == true)
            return StatusCodes.Status504GatewayTimeout;
        if (result.Errors?.Any(e => e is UnhandledError) == true)
            return StatusCodes.Status500InternalServerError;
        return StatusCodes.Status400BadRequest;
    }

    private Task WriteRequestErrorAsync(HttpContext context, string mediaType, RequestError error)
    {
        context.Response.StatusCode = error.StatusCode;
        context.Response.ContentType = ContentTypeOf(mediaType);
        var result = new ExecutionResult { Errors = [new ExecutionError(error.Message) { Code = error.Code }] };
        return serializer.WriteAsync(context.Response.Body, result, context.RequestAborted);
    }

    private static string ContentTypeOf(string mediaType) =>
        mediaType == MediaTypes.GraphQLResponse ? MediaTypes.GraphQLResponseUtf8 : MediaTypes.JsonUtf8;
}
