using LlmPlatform.Graph.Transport.Http;

namespace LlmPlatform.Graph.Transport;

public static class TransportServiceCollectionExtensions
{
    /// <summary>The protocol endpoints and their limits.</summary>
    public static IHostApplicationBuilder AddTransports(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TransportOptions>().BindConfiguration(TransportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OperationExecutor>();
        builder.Services.AddSingleton<GraphQLHttpEndpoint>();
        return builder;
    }

    /// <summary>Serves GraphQL at <paramref name="path"/>: over HTTP now, over WebSocket and SSE on the same path later.</summary>
    public static IEndpointConventionBuilder MapTransports(this IEndpointRouteBuilder endpoints, string path)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.Map(path, context => context.RequestServices.GetRequiredService<GraphQLHttpEndpoint>().HandleAsync(context));
    }
}
