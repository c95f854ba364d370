using System.ClientModel;
using System.Net;
using System.Text.Json;
using Microsoft.SemanticKernel;
using OllamaSharp.Models.Exceptions;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LlmPlatform.Llm.Providers;

/// <summary>
/// What went wrong with a provider call, said in our words. A provider's own error text can quote the request
/// (some servers echo the key they rejected), so neither the message nor the logs repeat it.
/// </summary>
/// <param name="Message">For the user: what happened, with the HTTP status when there was one.</param>
/// <param name="Status">The provider's HTTP status, when it answered with an error.</param>
/// <param name="Recognized">
/// False when the exception is none a connector throws for a failed call (a bug, more likely): worth its stack trace.
/// </param>
/// <param name="NeverSent">True when the request never reached the provider (an open circuit refused it): nothing was used.</param>
public sealed record ProviderFailure(string Message, int? Status, bool Recognized, bool NeverSent = false)
{
    /// <summary>Reads what the connectors throw: OpenAI and Azure OpenAI throw <see cref="ClientResultException"/> (with the
    /// status, or wrapping the transport's exception), Ollama <see cref="HttpRequestException"/> and
    /// <see cref="IOException"/>, the resilience pipeline Polly's timeout and circuit exceptions.</summary>
    public static ProviderFailure From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (StatusOf(exception) is { } status)
            return new(Describe(status), status, Recognized: true);

        foreach (var e in Chain(exception))
        {
            switch (e)
            {
                case BrokenCircuitException:
                    return new("The provider has been failing; calls to it are paused for a moment.", null, true, NeverSent: true);
                case TimeoutRejectedException:
                case TaskCanceledException { InnerException: TimeoutException }:
                    return new("The provider did not start answering in time.", null, true);
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError }:
                    return new("The provider could not be reached.", null, true);
                case HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded }:
                case IOException:
                    return new("The connection to the provider was lost before the reply was complete.", null, true);
                case JsonException or FormatException:
                    return new("The provider sent a reply that could not be read.", null, true);
                case OllamaException:
                    return new("The provider reported an error.", null, true);
            }
        }
        return exception is HttpRequestException or ClientResultException or HttpOperationException or KernelException
            ? new("The provider call failed.", null, true)
            : new("The provider call failed.", null, false);
    }

    private static string Describe(int status) => status switch
    {
        429 => "The provider is limiting requests (429 Too Many Requests); try again later.",
        401 or 403 => $"The provider refused the credentials ({status} {Phrase(status)}).",
        404 => $"The provider does not know this model or address ({status} {Phrase(status)}).",
        < 500 => $"The provider refused the request ({status} {Phrase(status)}).",
        _ => $"The provider failed ({status} {Phrase(status)}).",
    };

    private static int? StatusOf(Exception exception)
    {
        foreach (var e in Chain(exception))
        {
            switch (e)
            {
                case ClientResultException { Status: > 0 and var status }:
                    return status;
                case HttpOperationException { StatusCode: { } status }:
                    return (int)status;
                case HttpRequestException { StatusCode: { } status }:
                    return (int)status;
            }
        }
        return null;
    }

    // "TooManyRequests" → "Too Many Requests"; the enum names every status a provider is likely to send.
    private static string Phrase(int status) => Enum.IsDefined((HttpStatusCode)status)
        ? string.Concat(((HttpStatusCode)status).ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? " " + c : c.ToString()))
        : "";

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            yield return e;
    }
}
