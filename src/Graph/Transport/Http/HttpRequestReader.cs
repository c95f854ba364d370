using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using GraphQL;
using GraphQL.Transport;
using Microsoft.AspNetCore.Http.Features;

namespace LlmPlatform.Graph.Transport.Http;

/// <summary>
/// Reads the GraphQL request of a GET (query string) or POST (JSON body), or says why it cannot. With
/// <paramref name="maxBatchSize"/> above 0, a POST body may also be a JSON array of up to that many requests.
/// </summary>
internal sealed class HttpRequestReader(IGraphQLTextSerializer serializer, TransportOptions options, int maxBatchSize = 0)
{
    // A name given twice makes a request mean different things to different readers (a proxy that
    // inspects the first `query`, an engine that runs the last), so such a request is refused.
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false };

    private static readonly string[] Parameters = ["query", "operationName", "variables", "extensions", "documentId"];

    public async Task<(HttpOperations? Operations, RequestError? Error)> ReadAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method))
        {
            var (request, error) = ReadQueryString(context.Request);
            return error is not null ? (null, error)
                : HasNoQuery(request!) is { } missing ? (null, missing)
                : (new HttpOperations([request!], IsBatch: false), null);
        }
        return await ReadBodyAsync(context);
    }

    private static RequestError? HasNoQuery(GraphQLRequest request) =>
        OperationDocument.IsMissing(request) ? RequestError.BadRequest("The request has no `query`.") : null;

    private (GraphQLRequest?, RequestError?) ReadQueryString(HttpRequest http)
    {
        if (http.QueryString.Value?.Length > options.MaxQueryStringLength)
        {
            return (null, new RequestError(StatusCodes.Status414UriTooLong, "URI_TOO_LONG",
                $"The query string is longer than {options.MaxQueryStringLength} characters; send the request with POST."));
        }
        foreach (var name in Parameters)
        {
            if (http.Query[name].Count > 1)
                return (null, RequestError.BadRequest($"`{name}` appears more than once in the query string."));
        }

        var request = new GraphQLRequest
        {
            Query = Parameter("query"),
            OperationName = Parameter("operationName"),
            DocumentId = Parameter("documentId"),
        };
        if (ReadMap(Parameter("variables"), "variables", out var variables) is { } variablesError)
            return (null, variablesError);
        if (ReadMap(Parameter("extensions"), "extensions", out var extensions) is { } extensionsError)
            return (null, extensionsError);
        request.Variables = variables;
        request.Extensions = extensions;
        return (request, null);

        string? Parameter(string name) => http.Query.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
    }

    private RequestError? ReadMap(string? json, string name, out Inputs? map)
    {
        map = null;
        if (json is null)
            return null;
        try
        {
            using var document = JsonDocument.Parse(json, JsonOptions);
            return ReadMap(document.RootElement, name, out map);
        }
        catch (JsonException e)
        {
            return RequestError.BadRequest($"`{name}` is not valid JSON: {e.Message}");
        }
    }

    private async Task<(HttpOperations?, RequestError?)> ReadBodyAsync(HttpContext context)
    {
        var http = context.Request;
        if (!MediaTypes.IsJsonRequest(http.ContentType))
        {
            return (null, new RequestError(StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                $"POST a JSON body with Content-Type: {MediaTypes.Json}."));
        }
        if (http.ContentLength > options.MaxRequestBodySize)
            return (null, TooLarge());
        // Kestrel's own limit (30 MB unless configured) must not cut a larger configured limit short.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false, MaxRequestBodySize: { } serverLimit } limit
            && serverLimit < options.MaxRequestBodySize)
        {
            limit.MaxRequestBodySize = options.MaxRequestBodySize;
        }

        using var buffer = new MemoryStream();
        try
        {
            if (!await TryReadAsync(http.Body, buffer, options.MaxRequestBodySize, context.RequestAborted))
                return (null, TooLarge());
        }
        catch (BadHttpRequestException e)
        {
            // The server refused the body as it arrived (its own size limit, a malformed chunk, a too slow upload).
            return (null, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge()
                : new RequestError(e.StatusCode, "BAD_REQUEST", "The body could not be read: " + e.Message));
        }

        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (body.Span.IndexOfAnyExcept(" \t\r\n"u8) < 0)
            return (null, RequestError.BadRequest("The body is empty; it must be a JSON object with a `query`."));
        // The JSON reader checks the UTF-8 of a string only when it is read, so a bad byte inside `query` would surface
        // later as an exception, not as the client's mistake it is. One vectorised pass settles it for the whole body.
        if (!Utf8.IsValid(body.Span))
            return (null, RequestError.BadRequest("The body is not valid UTF-8."));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, JsonOptions);
        }
        catch (JsonException e)
        {
            return (null, RequestError.BadRequest("The body is not valid JSON: " + e.Message));
        }
        using (document)
        {
            return document.RootElement.ValueKind switch
            {
                JsonValueKind.Object => ReadOne(document.RootElement),
                JsonValueKind.Array when maxBatchSize > 0 => ReadBatch(document.RootElement),
                JsonValueKind.Array => (null, RequestError.BadRequest("Batched requests are not accepted; send one operation per request.")),
                _ => (null, RequestError.BadRequest("The body must be a JSON object with a `query`.")),
            };
        }

        RequestError TooLarge() => new(StatusCodes.Status413PayloadTooLarge, "PAYLOAD_TOO_LARGE",
            $"The body is larger than {options.MaxRequestBodySize} bytes.");
    }

    /// <summary>
    /// Copies the body into <paramref name="buffer"/>, or stops and returns false once it exceeds <paramref name="max"/> bytes.
    /// Stopping here, not at Kestrel's limit, keeps a chunked body's connection sound: Kestrel drains what is left
    /// and the client reads the 413, where Kestrel's own refusal closes the connection under a client still sending.
    /// </summary>
    private static async Task<bool> TryReadAsync(Stream body, MemoryStream buffer, long max, CancellationToken cancellationToken)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > max)
                    return false;
                buffer.Write(chunk, 0, read);
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private (HttpOperations?, RequestError?) ReadOne(JsonElement body)
    {
        var (request, error) = ReadObject(body);
        error ??= HasNoQuery(request!);
        return error is null ? (new HttpOperations([request!], IsBatch: false), null) : (null, error);
    }

    /// <summary>Every request of the batch, or the first reason one of them cannot run: then none runs.</summary>
    private (HttpOperations?, RequestError?) ReadBatch(JsonElement body)
    {
        var count = body.GetArrayLength();
        if (count == 0)
            return (null, RequestError.BadRequest("The batch is empty; it must hold at least one request."));
        if (count > maxBatchSize)
            return (null, new RequestError(StatusCodes.Status400BadRequest, "BATCH_TOO_LARGE", $"A batch may hold at most {maxBatchSize} requests, not {count}."));
        var requests = new List<GraphQLRequest>(count);
        foreach (var item in body.EnumerateArray())
        {
            var position = $"Request {requests.Count + 1} of the batch: ";
            if (item.ValueKind != JsonValueKind.Object)
                return (null, RequestError.BadRequest($"{position}it must be a JSON object with a `query`, not {Describe(item.ValueKind)}."));
            var (request, error) = ReadObject(item);
            error ??= HasNoQuery(request!);
            if (error is not null)
                return (null, error with { Message = position + error.Message });
            requests.Add(request!);
        }
        return (new HttpOperations(requests, IsBatch: true), null);
    }

    /// <summary>The request parameters of the spec, each checked for its type; other members are ignored.</summary>
    private (GraphQLRequest?, RequestError?) ReadObject(JsonElement body)
    {
        var request = new GraphQLRequest();
        foreach (var member in body.EnumerateObject())
        {
            RequestError? error = null;
            switch (member.Name)
            {
                case "query":
                    error = ReadString(member.Value, member.Name, out var query);
                    request.Query = query;
                    break;
                case "operationName":
                    error = ReadString(member.Value, member.Name, out var operationName);
                    request.OperationName = operationName;
                    break;
                case "documentId":
                    error = ReadString(member.Value, member.Name, out var documentId);
                    request.DocumentId = documentId;
                    break;
                case "variables":
                    error = ReadMap(member.Value, member.Name, out var variables);
                    request.Variables = variables;
                    break;
                case "extensions":
                    error = ReadMap(member.Value, member.Name, out var extensions);
                    request.Extensions = extensions;
                    break;
            }
            if (error is not null)
                return (null, error);
        }
        return (request, null);
    }

    private static RequestError? ReadString(JsonElement value, string name, out string? text)
    {
        text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return value.ValueKind is JsonValueKind.String or JsonValueKind.Null
            ? null
            : RequestError.BadRequest($"`{name}` must be a string, not {Describe(value.ValueKind)}.");
    }

    private RequestError? ReadMap(JsonElement value, string name, out Inputs? map)
    {
        map = null;
        if (value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Object)
            return RequestError.BadRequest($"`{name}` must be a JSON object, not {Describe(value.ValueKind)}.");
        try
        {
            map = serializer.ReadNode<Inputs>(value);
            return null;
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException)
        {
            return RequestError.BadRequest($"`{name}` holds a value that cannot be read: {e.Message}");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => "a boolean",
    };
}

/// <summary>What a GraphQL-over-HTTP request asks to run: one operation, or a batch of them (a JSON array body).</summary>
internal sealed record HttpOperations(IReadOnlyList<GraphQLRequest> Requests, bool IsBatch);

/// <summary>A request the transport refuses before GraphQL sees it: its status, an error code and why.</summary>
internal sealed record RequestError(int StatusCode, string Code, string Message)
{
    public static RequestError BadRequest(string message) => new(StatusCodes.Status400BadRequest, "BAD_REQUEST", message);
}
