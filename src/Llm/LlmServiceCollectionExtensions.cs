using LlmPlatform.Llm.Budgets;
using LlmPlatform.Llm.Caching;
using LlmPlatform.Llm.Chat;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Limits;
using LlmPlatform.Llm.Providers;
using LlmPlatform.Llm.Providers.Balancing;
using LlmPlatform.Llm.Providers.Routing;
using LlmPlatform.Llm.Telemetry;
using LlmPlatform.Llm.Usage;
using LlmPlatform.Llm.Worker;
using LlmPlatform.Llm.Analytics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace LlmPlatform.Llm;

public static class LlmServiceCollectionExtensions
{
    /// <summary>
    /// Providers (section <c>Llm</c>), users' own provider keys, the generation pipeline, its event stream and signals
    /// (in memory, or over Redis when configured), its rate limits, and the background worker that runs periodic jobs on
    /// one instance.
    /// </summary>
    public static IHostApplicationBuilder AddLlm(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<LlmOptions>, ResilienceBudgetValidation>();
        services.AddOptions<GenerationOptions>().BindConfiguration(GenerationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient();
        services.AddProviderHttpClients(builder.Configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<LlmMetrics>();
        services.AddOptions<ContentCaptureOptions>().BindConfiguration(ContentCaptureOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<ContentCaptureWarning>();
        services.AddSingleton<CredentialPipelines>();
        services.AddSingleton<ProviderRegistry>();
        services.AddSingleton<RouteChooser>();
        services.AddSingleton<TargetChainBuilder>();
        builder.AddDeploymentBalancing();
        builder.AddProviderKeys();
        services.AddSingleton<TokenCounter>();
        services.AddSingleton<ChatHistoryBuilder>();
        builder.AddGenerationRateLimits();
        builder.AddGenerationBudgets();
        builder.AddResponseCache();
        services.AddSingleton<GenerationInstance>();
        services.AddSingleton<ActiveGenerations>();
        services.AddSingleton<GenerationViewers>();
        builder.AddGenerationStreams();
        services.AddSingleton<GenerationStore>();
        services.AddSingleton<GenerationRunner>();
        services.AddSingleton<AdmissionWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AdmissionWriter>());
        services.AddSingleton<GenerationAdmission>();
        services.AddSingleton<GenerationService>();
        services.AddWorkerJob<OrphanedGenerationSweeper>();
        services.AddOptions<UsageRollupOptions>().BindConfiguration(UsageRollupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddWorkerJob<UsageRollupJob>();
        services.AddOptions<UsageQueryOptions>().BindConfiguration(UsageQueryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UsageAggregator>();
        services.AddOptions<AnalyticsRetentionOptions>().BindConfiguration(AnalyticsRetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddWorkerJob<UsageRetentionJob>();
        services.AddWorkerJob<AnalyticsEventRetentionJob>();
        services.AddHostedService<GenerationHeartbeat>();
        services.AddHostedService<GenerationShutdown>();
        builder.AddWorker();
        return builder;
    }
}
