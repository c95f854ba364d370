using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQL.Validation.Complexity;
using LlmPlatform.Graph.Analytics;
using LlmPlatform.Graph.Budgets;
using LlmPlatform.Graph.Conversations;
using LlmPlatform.Graph.Generation;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Providers;
using LlmPlatform.Graph.Schema.Introspection;
using LlmPlatform.Graph.Schema.Filtering;
using LlmPlatform.Graph.Schema.Paging;
using LlmPlatform.Graph.Schema.PersistedOperations;
using LlmPlatform.Graph.Users;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Schema;

public static class SchemaServiceCollectionExtensions
{
    /// <summary>The GraphQL schema, its engine settings and limits, and the services its resolvers use.</summary>
    public static IHostApplicationBuilder AddSchema(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var isProduction = builder.Environment.IsProduction();
        services.AddOptions<GraphQLOptions>()
            .Configure(options => options.EnableIntrospection = !isProduction)
            .BindConfiguration(GraphQLOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<PagingOptions>().BindConfiguration(PagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FilteringOptions>().BindConfiguration(FilteringOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);

        services.AddUsers();
        services.AddPersonas();
        services.AddConversations();
        services.AddGeneration();
        services.AddProviders();
        services.AddUsage();
        services.AddBudgets();
        builder.AddAnalyticsEvents();

        // Registered before the engine's own, which it registers only when none is.
        services.AddSingleton<IDocumentBuilder, LimitedDocumentBuilder>();
        services.AddSingleton(sp => new VariableComplexityValidationRule(new DataComplexityValidationRule(ComplexityLimits(sp))));

        var isDevelopment = builder.Environment.IsDevelopment();
        var parallel = builder.Configuration.GetSection(GraphQLOptions.Section).Get<GraphQLOptions>()?.ParallelExecution ?? false;
        services.AddGraphQL(graphql => graphql
            .AddSchema<PlatformSchema>()
            .AddGraphTypes(typeof(PlatformSchema).Assembly)
            .AddSystemTextJson()
            .AddValidationRule<AliasLimitValidationRule>()
            .AddValidationRule<IntrospectionValidationRule>()
            .AddValidationRule<IntrospectionCostValidationRule>()
            .AddValidationRule(sp => new DataComplexityValidationRule(ComplexityLimits(sp)))
            .AddPersistedOperations(builder)
            .ConfigureExecution<DocumentCache>()
            .AddExecutionStrategy<IExecutionStrategy>(parallel ? ParallelExecutionStrategy.Instance : SerialExecutionStrategy.Instance, GraphQLParser.AST.OperationType.Query)
            .AddErrorInfoProvider((errors, sp) =>
            {
                var expose = sp.GetRequiredService<IOptions<GraphQLOptions>>().Value.ExposeExceptionDetails ?? isDevelopment;
                errors.ExposeExceptionDetails = expose;
                // Codes derived from exception types name our internals; only codes we set are shown.
                errors.ExposeCodes = false;
            })
            .AddErrorInfoProvider(sp => new MaskingErrorInfoProvider(sp.GetRequiredService<IOptions<ErrorInfoProviderOptions>>().Value))
            .ConfigureExecutionOptions(execution =>
            {
                var limits = execution.RequestServices!.GetRequiredService<IOptions<GraphQLOptions>>().Value;
                execution.Timeout = limits.OperationTimeout;
                // Cached documents skip validation, but variables can still raise a document's complexity.
                execution.CachedDocumentValidationRules =
                    [.. execution.CachedDocumentValidationRules ?? [], execution.RequestServices!.GetRequiredService<VariableComplexityValidationRule>()];
                execution.ThrowOnUnhandledException = false;
            }));
        return builder;
    }

    private static ComplexityOptions ComplexityLimits(IServiceProvider services)
    {
        var limits = services.GetRequiredService<IOptions<GraphQLOptions>>().Value;
        return new ComplexityOptions { MaxDepth = limits.MaxDepth, MaxComplexity = limits.MaxComplexity };
    }
}
