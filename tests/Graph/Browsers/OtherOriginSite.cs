using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Tests.Browsers;

/// <summary>
/// A front end on another origin: a tiny Kestrel app at <paramref name="address"/> (port chosen by the OS) serving one
/// page that calls the API given in its query string over HTTP, SSE and WebSocket, and writes what happened.
/// </summary>
public sealed class OtherOriginSite(IPAddress address) : IAsyncDisposable
{
    private WebApplication? _app;

    public Uri Origin { get; private set; } = null!;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(address, 0));
        _app = builder.Build();
        _app.MapGet("/", () => Results.Content(Page, "text/html; charset=utf-8"));
        await _app.StartAsync();
        Origin = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>The page, asked to call <paramref name="graphql"/>.</summary>
    public Uri PageCalling(Uri graphql) => new(Origin, "/?api=" + Uri.EscapeDataString(graphql.ToString()));

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }

    // Each call ends as "ok…" or as what the browser reported; #done appears when all three have ended.
    private const string Page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Another origin</title></head>
        <body>
        <h1>A front end on another origin</h1>
        <dl><dt>HTTP</dt><dd id="http">…</dd><dt>SSE</dt><dd id="sse">…</dd><dt>WebSocket</dt><dd id="ws">…</dd></dl>
        <script type="module">
        const api = new URL(new URLSearchParams(location.search).get('api'));
        const json = { 'Content-Type': 'application/json' };
        const generate = (prompt) => JSON.stringify({ query: `subscription { generate(input: { prompt: "${prompt}", maxTokens: 3 }) { __typename } }` });
        const refused = (e) => 'refused: ' + e.message;

        async function http() {
          const response = await fetch(api, { method: 'POST', headers: json, body: JSON.stringify({ query: '{ personas(first: 1) { totalCount } }' }) });
          const result = await response.json();
          return 'ok: ' + result.data.personas.totalCount + ' personas';
        }

        async function sse() {
          const response = await fetch(api, { method: 'POST', headers: { ...json, Accept: 'text/event-stream' }, body: generate('cors over sse') });
          const text = await response.text();
          return text.includes('GenerationCompleted') ? 'ok: streamed' : 'unexpected: ' + text;
        }

        function ws() {
          return new Promise((resolve) => {
            const socket = new WebSocket(api.href.replace(/^http/, 'ws'), 'graphql-transport-ws');
            socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init' }));
            socket.onmessage = (event) => {
              const message = JSON.parse(event.data);
              if (message.type === 'connection_ack')
                socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: JSON.parse(generate('cors over ws')) }));
              if (message.type === 'next' && message.payload.data?.generate.__typename === 'GenerationCompleted') {
                resolve('ok: streamed');
                socket.close();
              }
            };
            socket.onclose = (event) => resolve('closed: ' + event.code);
          });
        }

        const show = (id) => (text) => { document.getElementById(id).textContent = text; };
        await Promise.all([
          http().catch(refused).then(show('http')),
          sse().catch(refused).then(show('sse')),
          ws().then(show('ws')),
        ]);
        document.body.insertAdjacentHTML('beforeend', '<p id="done">done</p>');
        </script>
        </body></html>
        """;
}
