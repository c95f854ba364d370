using System.Text.Json;
using GraphQL;
using GraphQL.Transport;
using Microsoft.AspNetCore.Http.Features;

namespace LlmPlatform.Graph.Transport.Http;

/// <summary>Reads the GraphQL request of a GET (query string) or POST (JSON body), or says why it cannot.</summary>
internal sealed class HttpRequestReader(IGraphQLTextSerializer serializer, TransportOptions options)
{
    public async Task<(GraphQLRequest? Request, RequestError? Error)> ReadAsync(HttpContext context)
    {
        var http = context.Request;
        GraphQLRequest? request;
        if (HttpMethods.IsGet(http.Method))
        {
            if (http.QueryString.Value?.Length > options.MaxQueryStringLength)
                return (null, new RequestError(StatusCodes.Status414UriTooLong, "The query string is too long."));
            request = ReadQueryString(http.Query, out var error);
            if (error is not null)
                return (null, error);
        }
        else
        {
            if (!MediaTypes.IsJsonRequest(http.ContentType))
                return (null, new RequestError(StatusCodes.Status415UnsupportedMediaType, "POST a JSON body with Content-Type: application/json."));
            if (http.ContentLength > options.MaxRequestBodySize)
                return (null, TooLarge());
            // Also bounds chunked bodies, which announce no length.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = options.MaxRequestBodySize;
            try
            {
                request = await ReadBodyAsync(http, context.RequestAborted);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return (null, TooLarge());
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException)
            {
                return (null, new RequestError(StatusCodes.Status400BadRequest, "The body is not a GraphQL request in JSON: " + e.Message));
            }
            if (request is null)
                return (null, new RequestError(StatusCodes.Status400BadRequest, "The body is empty; it must be a JSON object with a `query`."));
        }

        if (request is null || (string.IsNullOrWhiteSpace(request.Query) && request.DocumentId is null))
            return (null, new RequestError(StatusCodes.Status400BadRequest, "The request has no `query`."));
        return (request, null);

        RequestError TooLarge() => new(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {options.MaxRequestBodySize} bytes.");
    }

    private async Task<GraphQLRequest?> ReadBodyAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var start = bytes.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0)
            return null;
        // A JSON array is a batch of operations, which this server does not accept.
        if (bytes[start] == (byte)'[')
            throw new NotSupportedException("batched requests are not accepted; send one operation per request.");
        buffer.Position = 0;
        return await serializer.ReadAsync<GraphQLRequest>(buffer, cancellationToken)
            ?? throw new JsonException("the body must be a JSON object.");
    }

    private GraphQLRequest? ReadQueryString(IQueryCollection query, out RequestError? error)
    {
        error = null;
        try
        {
            return new GraphQLRequest
            {
                Query = Single(query, "query"),
                OperationName = Single(query, "operationName"),
                Variables = Single(query, "variables") is { } variables ? serializer.Deserialize<Inputs>(variables) : null,
                Extensions = Single(query, "extensions") is { } extensions ? serializer.Deserialize<Inputs>(extensions) : null,
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            error = new RequestError(StatusCodes.Status400BadRequest, "`variables` and `extensions` must be JSON objects: " + e.Message);
            return null;
        }
    }

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
}

/// <summary>A request the transport refuses before GraphQL sees it.</summary>
internal sealed record RequestError(int StatusCode, string Message);
