using LlmPlatform.Graph.Transport.Http;
using LlmPlatform.Graph.Transport.Multipart;
using LlmPlatform.Graph.Transport.Sse;
using LlmPlatform.Graph.Transport.WebSockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Transport;

public static class TransportServiceCollectionExtensions
{
    // Room in an HTTP/1.1 request line for the method, the path and the version around the query string.
    private const int RequestLineOverhead = 2048;

    /// <summary>The protocol endpoints and their limits.</summary>
    public static IHostApplicationBuilder AddTransports(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TransportOptions>().BindConfiguration(TransportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SseOptions>().BindConfiguration(SseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<BatchingOptions>().BindConfiguration(BatchingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Kestrel refuses request lines over 8 KB with a bare 414 before any endpoint runs, which would make
        // a larger MaxQueryStringLength a promise the server cannot keep; so its limit grows to fit ours.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<TransportOptions>>((kestrel, transport) =>
            kestrel.Limits.MaxRequestLineSize = Math.Max(kestrel.Limits.MaxRequestLineSize, transport.Value.MaxQueryStringLength + RequestLineOverhead));
        builder.Services.AddSingleton<OperationExecutor>();
        builder.Services.AddScoped<OperationCaller>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ICallerAuthenticator, NoCallerAuthentication>();
        builder.Services.AddSingleton<GraphQLHttpEndpoint>();
        builder.Services.AddSingleton<WebSocketEndpoint>();
        builder.Services.AddSingleton<GraphQLSseEndpoint>();
        builder.Services.AddSingleton<StreamedResponseRunner>();
        builder.Services.AddSingleton<MultipartSubscriptionEndpoint>();
        builder.Services.AddSingleton<SseReservations>();
        builder.Services.AddSingleton<GraphQLSseSingleConnectionEndpoint>();
        builder.Services.AddSingleton(services => new OperationServices(services.GetRequiredService<OperationExecutor>(),
            services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<GraphQL.IGraphQLTextSerializer>(),
            services.GetRequiredService<ICallerAuthenticator>(), services.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>
    /// Serves GraphQL at <paramref name="path"/> on every transport: a WebSocket upgrade (graphql-transport-ws or
    /// the legacy graphql-ws), graphql-sse's single connection mode (a PUT, or a request with an event stream token),
    /// a POST that accepts text/event-stream (graphql-sse's distinct connections), a POST that accepts Apollo's
    /// multipart subscriptions, else GraphQL over HTTP.
    /// </summary>
    public static IEndpointConventionBuilder MapTransports(this WebApplication app, string path)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWebSockets();
        var http = app.Services.GetRequiredService<GraphQLHttpEndpoint>();
        var webSockets = app.Services.GetRequiredService<WebSocketEndpoint>();
        var sse = app.Services.GetRequiredService<GraphQLSseEndpoint>();
        var sseSingleConnection = app.Services.GetRequiredService<GraphQLSseSingleConnectionEndpoint>();
        var multipart = app.Services.GetRequiredService<MultipartSubscriptionEndpoint>();
        return app.Map(path, context =>
            context.WebSockets.IsWebSocketRequest ? webSockets.HandleAsync(context)
            : GraphQLSseSingleConnectionEndpoint.Accepts(context.Request) ? sseSingleConnection.HandleAsync(context)
            : GraphQLSseEndpoint.Accepts(context.Request) ? sse.HandleAsync(context)
            : MultipartSubscriptionEndpoint.Accepts(context.Request) ? multipart.HandleAsync(context)
            : http.HandleAsync(context));
    }
}
