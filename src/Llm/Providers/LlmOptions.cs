using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LlmPlatform.Llm.Providers.Balancing;
using LlmPlatform.Llm.Providers.Routing;

namespace LlmPlatform.Llm.Providers;

/// <summary>The providers generations may use, by name. Section <c>Llm</c>.</summary>
public sealed class LlmOptions : IValidatableObject
{
    public const string Section = "Llm";
    public const string EchoProviderName = "echo";

    /// <summary>The provider used when neither the request nor the persona names one.</summary>
    [Required]
    public string DefaultProvider { get; set; } = EchoProviderName;

    /// <summary>
    /// Providers by name (<c>Llm:Providers:&lt;name&gt;</c>). The built-in <c>echo</c> provider is always there
    /// unless configured otherwise under its own name.
    /// </summary>
    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Named ordered lists of provider/model targets (<c>Llm:Routes:&lt;name&gt;</c>): a generation on a route tries
    /// them in order, moving on when one fails before its first token.
    /// </summary>
    public Dictionary<string, List<RouteTargetOptions>> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The route of generations whose request and persona name neither a route nor a provider; unset, <see cref="DefaultProvider"/>.</summary>
    public string? DefaultRoute { get; set; }

    /// <summary>How a route moves from one target to the next.</summary>
    public RoutingOptions Routing { get; set; } = new();

    /// <summary>
    /// Users' own keys each get a circuit breaker of their own; at most this many are kept at once (idle ones go first).
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxUserCredentialBreakers { get; set; } = 10_000;

    /// <summary>
    /// What data annotations cannot say: each provider's needs by kind, and the annotations of the nested options
    /// (<c>ValidateDataAnnotations</c> checks only this object's own properties).
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Names compare as the registry compares them, whatever comparer the binder left the dictionary with.
        if (!Providers.Keys.Append(EchoProviderName).Contains(DefaultProvider, StringComparer.OrdinalIgnoreCase))
            yield return new($"Llm:DefaultProvider names \"{DefaultProvider}\", which is not configured under Llm:Providers.", [nameof(DefaultProvider)]);

        foreach (var (name, provider) in Providers)
        {
            var path = $"Llm:Providers:{name}";
            foreach (var result in provider.Validate(path))
                yield return result;
        }
        foreach (var result in RouteValidation.Validate(this))
            yield return result;
    }
}

/// <summary>
/// What kind of service a provider is. Configuration spells it as the issue does (<c>echo</c>, <c>openai</c>,
/// <c>azure-openai</c>, <c>openai-compatible</c>, <c>ollama</c>) or by member name, in any case.
/// </summary>
[TypeConverter(typeof(ProviderKindConverter))]
public enum ProviderKind
{
    Echo,
    OpenAI,
    AzureOpenAI,
    OpenAICompatible,
    Ollama,
}

/// <summary>One configured provider: what kind it is, where it is, its key and its models.</summary>
public sealed class ProviderOptions
{
    public ProviderKind Kind { get; set; } = ProviderKind.Echo;

    /// <summary>
    /// Base URL: required for azure-openai (the resource, <c>https://x.openai.azure.com/</c>), openai-compatible
    /// (the API root clients append <c>chat/completions</c> to, e.g. <c>http://localhost:8000/v1</c>) and ollama
    /// (<c>http://localhost:11434</c>); optional for openai.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Server-wide key. Comes from configuration or the environment only; never returned by the API.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model used when neither the request nor the persona names one; the first listed when unset.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>The models this provider offers, by the name requests use (for azure-openai: the deployment name).</summary>
    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Echo only: pause between tokens.</summary>
    public TimeSpan EchoTokenDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Echo only: tokens in a reply (fewer when the request's maxTokens is lower).</summary>
    [Range(1, 10_000_000)]
    public int EchoReplyTokens { get; set; } = 48;

    /// <summary>
    /// Longest wait for the provider to start answering (its response headers), retries and their pauses included.
    /// The streamed reply after that is bounded by <c>Llm:Generation:ProviderIdleTimeout</c> between chunks, not by this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Retries, per-attempt timeout and circuit breaker of the provider's HTTP calls.</summary>
    public ProviderResilienceOptions Resilience { get; set; } = new();

    /// <summary>
    /// Several deployments of the same models (other endpoints and/or keys), each with its own circuit breaker; empty,
    /// the provider is one deployment of its own <see cref="Endpoint"/> and <see cref="ApiKey"/>.
    /// </summary>
    public List<ProviderDeploymentOptions> Deployments { get; set; } = [];

    /// <summary>How generations are spread over <see cref="Deployments"/>.</summary>
    public BalancingOptions Balancing { get; set; } = new();

    /// <summary>The same provider as one of its deployments: its endpoint and key, where it sets them.</summary>
    internal ProviderOptions ForDeployment(ProviderDeploymentOptions deployment)
    {
        var copy = (ProviderOptions)MemberwiseClone();
        copy.Endpoint = deployment.Endpoint ?? Endpoint;
        copy.ApiKey = deployment.ApiKey ?? ApiKey;
        copy.Deployments = [];
        return copy;
    }

    internal IEnumerable<ValidationResult> Validate(string path)
    {
        foreach (var result in Annotations(this, path))
            yield return result;
        foreach (var result in Annotations(Resilience, path + ":Resilience"))
            yield return result;
        foreach (var result in Annotations(Balancing, path + ":Balancing"))
            yield return result;
        foreach (var result in DeploymentValidation.Validate(this, path))
            yield return result;

        if (!Enum.IsDefined(Kind))
            yield return new($"{path}:Kind is not a provider kind; use {ProviderKindConverter.Spellings}.", [path + ":Kind"]);
        // With deployments, each deployment without an endpoint of its own is checked instead.
        if (Kind is ProviderKind.AzureOpenAI or ProviderKind.OpenAICompatible or ProviderKind.Ollama && Endpoint is null && Deployments.Count == 0)
            yield return new($"{path}:Endpoint is required for a provider of kind {ProviderKindConverter.Spell(Kind)}.", [path + ":Endpoint"]);
        if (Endpoint is { } endpoint && !IsHttpUrl(endpoint))
            yield return new($"{path}:Endpoint must be an absolute http or https URL.", [path + ":Endpoint"]);
        if (Kind != ProviderKind.Echo && Models.Count == 0)
            yield return new($"{path}:Models must list at least one model (Llm:Providers:<name>:Models:<model>:ContextWindow).", [path + ":Models"]);
        if (DefaultModel is { } model && Models.Count > 0 && !Models.ContainsKey(model))
            yield return new($"{path}:DefaultModel \"{model}\" is not one of its Models.", [path + ":DefaultModel"]);

        foreach (var (name, options) in Models)
        {
            var modelPath = $"{path}:Models:{name}";
            foreach (var result in Annotations(options, modelPath))
                yield return result;
            if (options.MaxOutputTokens >= options.ContextWindow)
                yield return new($"{modelPath}:MaxOutputTokens must be less than its ContextWindow, or no prompt fits.", [modelPath + ":MaxOutputTokens"]);
            if (options.ResponseFormats?.Except(Generation.ResponseFormatSupport.Carried(Kind)).ToList() is { Count: > 0 } uncarried)
                yield return new($"{modelPath}:ResponseFormats lists {string.Join(", ", uncarried)}, which a provider of kind {ProviderKindConverter.Spell(Kind)} cannot send.", [modelPath + ":ResponseFormats"]);
        }
    }

    internal static bool IsHttpUrl(Uri endpoint) =>
        endpoint.IsAbsoluteUri && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps);

    private static IEnumerable<ValidationResult> Annotations(object options, string path)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult($"{path}: {r.ErrorMessage}", [.. r.MemberNames.Select(m => $"{path}:{m}")]));
    }
}

/// <summary>One model of a provider.</summary>
public sealed class ModelOptions
{
    /// <summary>Tokens the model reads and writes in one call: history is trimmed to fit.</summary>
    [Range(256, 100_000_000)]
    public int ContextWindow { get; set; } = 8_192;

    /// <summary>Most tokens the model writes in one reply.</summary>
    [Range(1, 10_000_000)]
    public int MaxOutputTokens { get; set; } = 4_096;

    /// <summary>Price per million prompt tokens, for usage costs.</summary>
    public decimal InputCostPerMillion { get; set; }

    /// <summary>Price per million completion tokens, for usage costs.</summary>
    public decimal OutputCostPerMillion { get; set; }

    /// <summary>
    /// The response formats the model takes (<c>Text</c>, <c>JsonObject</c>, <c>JsonSchema</c>); unset, all that its
    /// provider's kind can carry (see <c>ResponseFormatSupport.Carried</c>).
    /// </summary>
    public List<Data.Entities.ResponseFormatKind>? ResponseFormats { get; set; }
}

/// <summary>
/// How a provider's HTTP calls ride out trouble (<c>Llm:Providers:&lt;name&gt;:Resilience</c>). It all happens
/// before the reply starts: a call is retried only while no response has come back, so a streamed reply that
/// breaks after its first token is never sent again (and never billed twice).
/// </summary>
public sealed class ProviderResilienceOptions
{
    /// <summary>Retries after a 408, 429, 5xx, a failed connection or an attempt timeout; 0 for none.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>First pause between attempts, doubled (with jitter) for each next one, when the provider gives no Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest Retry-After honoured: a provider asking for a longer pause gets none, and the generation fails at once
    /// with its 429 rather than leaving the user waiting.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Longest wait for one attempt's response headers. The streamed body is not bounded by it. With retries on, it
    /// (plus <see cref="RetryDelay"/>) must be below <c>Llm:Generation:ProviderIdleTimeout</c>, checked at start-up.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of failed attempts within <see cref="SamplingDuration"/> that opens the circuit (1: only when every attempt failed).</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Attempts within <see cref="SamplingDuration"/> before the failure ratio counts.</summary>
    [Range(2, int.MaxValue)]
    public int MinimumThroughput { get; set; } = 20;

    /// <summary>The window the failure ratio is measured over.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an open circuit fails calls at once, without sending them, before trying again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}
