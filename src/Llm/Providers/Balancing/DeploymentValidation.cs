using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace LlmPlatform.Llm.Providers.Balancing;

/// <summary>Checks a provider's deployments at start-up: named, unique, each with the endpoint and key its kind needs.</summary>
internal static partial class DeploymentValidation
{
    public static IEnumerable<ValidationResult> Validate(ProviderOptions provider, string path)
    {
        if (provider.Deployments.Count > 0 && provider.Kind == ProviderKind.Echo)
            yield return new($"{path}:Deployments cannot be set for a provider of kind echo.", [path + ":Deployments"]);
        if (!Enum.IsDefined(provider.Balancing.Strategy))
            yield return new($"{path}:Balancing:Strategy must be RoundRobin or LeastInFlight.", [path + ":Balancing:Strategy"]);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < provider.Deployments.Count; i++)
        {
            var deployment = provider.Deployments[i];
            var at = $"{path}:Deployments:{i}";
            // The name goes into HTTP client names, metric labels and Redis keys.
            if (!SimpleName().IsMatch(deployment.Name))
                yield return new($"{at}:Name is required: letters, digits, '.', '_' or '-', at most 64.", [at + ":Name"]);
            else if (!names.Add(deployment.Name))
                yield return new($"{at}:Name \"{deployment.Name}\" is used by another deployment of the provider.", [at + ":Name"]);
            var endpoint = deployment.Endpoint ?? provider.Endpoint;
            if (deployment.Endpoint is { } own && !ProviderOptions.IsHttpUrl(own))
                yield return new($"{at}:Endpoint must be an absolute http or https URL.", [at + ":Endpoint"]);
            if (endpoint is null && provider.Kind is ProviderKind.AzureOpenAI or ProviderKind.OpenAICompatible or ProviderKind.Ollama)
                yield return new($"{at}:Endpoint is required (the provider has none of its own).", [at + ":Endpoint"]);
            if (string.IsNullOrWhiteSpace(deployment.ApiKey ?? provider.ApiKey) && provider.Kind is ProviderKind.OpenAI or ProviderKind.AzureOpenAI)
                yield return new($"{at}:ApiKey is required (the provider has none of its own).", [at + ":ApiKey"]);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SimpleName();
}
