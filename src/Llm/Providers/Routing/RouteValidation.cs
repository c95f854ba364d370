using System.ComponentModel.DataAnnotations;
using LlmPlatform.Llm.Providers.Echo;

namespace LlmPlatform.Llm.Providers.Routing;

/// <summary>Checks at start-up that every route names configured providers and models, and that the default route exists.</summary>
internal static class RouteValidation
{
    public static IEnumerable<ValidationResult> Validate(LlmOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options.Routing, new ValidationContext(options.Routing), results, validateAllProperties: true);
        foreach (var result in results)
            yield return new($"Llm:Routing: {result.ErrorMessage}", [.. result.MemberNames.Select(m => "Llm:Routing:" + m)]);
        if (options.DefaultRoute is { } defaultRoute && !options.Routes.ContainsKey(defaultRoute))
            yield return new($"Llm:DefaultRoute names \"{defaultRoute}\", which is not configured under Llm:Routes.", [nameof(LlmOptions.DefaultRoute)]);
        foreach (var (name, targets) in options.Routes)
        {
            var path = $"Llm:Routes:{name}";
            if (targets.Count == 0)
                yield return new($"{path} must list at least one target ({{ Provider, Model }}).", [path]);
            for (var i = 0; i < targets.Count; i++)
            {
                var target = targets[i];
                var models = ModelsOf(options, target.Provider);
                if (models is null)
                    yield return new($"{path}:{i}:Provider \"{target.Provider}\" is not configured under Llm:Providers.", [$"{path}:{i}:Provider"]);
                else if (target.Model is { } model && !models.Contains(model))
                    yield return new($"{path}:{i}:Model \"{model}\" is not one of the models of provider \"{target.Provider}\".", [$"{path}:{i}:Model"]);
            }
        }
    }

    // Echo is there unless configured otherwise, and may leave its models out: it then has one of its own.
    private static IReadOnlyCollection<string>? ModelsOf(LlmOptions options, string provider) =>
        options.Providers.GetValueOrDefault(provider) is { } configured
            ? configured.Kind == ProviderKind.Echo && configured.Models.Count == 0 ? [EchoChatCompletionService.DefaultModel] : configured.Models.Keys
            : string.Equals(provider, LlmOptions.EchoProviderName, StringComparison.OrdinalIgnoreCase) ? [EchoChatCompletionService.DefaultModel] : null;
}
