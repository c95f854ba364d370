using System.Net;
using OllamaSharp;
using OllamaSharp.Models;

namespace LlmPlatform.Llm.Providers.Ollama;

/// <summary>
/// OllamaSharp's client, made to stop when told to. OllamaSharp (5.5) reads its streamed reply with a
/// <c>ReadLineAsync()</c> that takes no token and checks the token only between lines, so while Ollama is quiet a
/// cancelled generation (or one past its idle timeout) would wait for the next line, and Ollama would go on
/// generating. Here the caller's token disposes the response instead: the pending read fails at once, and the
/// connection closes (at once because the provider's HTTP handler drains nothing, see
/// <see cref="ProviderHttpClients"/>), which is what tells Ollama to stop.
/// </summary>
internal sealed class AbortableOllamaApiClient(HttpClient client, string defaultModel) : OllamaApiClient(client, defaultModel)
{
    protected override async Task<HttpResponseMessage> SendToOllamaAsync(
        HttpRequestMessage requestMessage, OllamaRequest? ollamaRequest, HttpCompletionOption completionOption, CancellationToken cancellationToken)
    {
        var response = await base.SendToOllamaAsync(requestMessage, ollamaRequest, completionOption, cancellationToken);
        if (completionOption == HttpCompletionOption.ResponseHeadersRead && cancellationToken.CanBeCanceled)
            response.Content = new ClosedOnCancelContent(response.Content, cancellationToken);
        return response;
    }

    /// <summary>A response body that is disposed (closing its connection) when the token fires.</summary>
    private sealed class ClosedOnCancelContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly CancellationTokenRegistration _registration;

        public ClosedOnCancelContent(HttpContent inner, CancellationToken cancellationToken)
        {
            _inner = inner;
            foreach (var (name, values) in inner.Headers)
                Headers.TryAddWithoutValidation(name, values);
            _registration = cancellationToken.Register(static content => ((HttpContent)content!).Dispose(), inner);
        }

        protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => _inner.ReadAsStreamAsync(cancellationToken);

        protected override Task<Stream> CreateContentReadStreamAsync() => _inner.ReadAsStreamAsync();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _inner.CopyToAsync(stream, context, cancellationToken);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream, context);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _registration.Dispose();
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
