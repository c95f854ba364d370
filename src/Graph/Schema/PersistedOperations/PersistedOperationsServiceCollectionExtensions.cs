using GraphQL;
using GraphQL.DI;
using LlmPlatform.Llm.Redis;

namespace LlmPlatform.Graph.Schema.PersistedOperations;

public static class PersistedOperationsServiceCollectionExtensions
{
    /// <summary>
    /// Automatic persisted queries (kept in Redis when <c>ConnectionStrings:Redis</c> is set, else in memory) and
    /// trusted documents from a manifest.
    /// </summary>
    public static IGraphQLBuilder AddPersistedOperations(this IGraphQLBuilder graphql, IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(graphql);
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<PersistedQueryOptions>().BindConfiguration(PersistedQueryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TrustedDocumentOptions>().BindConfiguration(TrustedDocumentOptions.Section)
            .Validate(options => !options.AllowOnlyTrusted || !string.IsNullOrWhiteSpace(options.ManifestPath),
                $"{TrustedDocumentOptions.Section}:{nameof(TrustedDocumentOptions.AllowOnlyTrusted)} needs {TrustedDocumentOptions.Section}:{nameof(TrustedDocumentOptions.ManifestPath)}.")
            // Reads the manifest at start-up, so that a missing or malformed file stops the boot (Load throws, saying why).
            .Validate(options => TrustedDocumentManifest.Load(options.ManifestPath) is not null, "The trusted document manifest could not be read.")
            .ValidateOnStart();
        if (builder.AddRedisConnection())
            services.AddSingleton<IPersistedQueryStore, RedisPersistedQueryStore>();
        else
            services.AddSingleton<IPersistedQueryStore, MemoryPersistedQueryStore>();
        services.AddSingleton<TrustedDocumentManifest>();
        return graphql
            .ConfigureExecution<AutomaticPersistedQueryHandler>()
            .ConfigureExecution<TrustedDocumentHandler>();
    }
}
