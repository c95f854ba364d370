using GraphQL.Types;
using LlmPlatform.Graph.Users;
using LlmPlatform.Llm.Providers;
using LlmPlatform.Llm.Providers.Routing;

namespace LlmPlatform.Graph.Providers;

public sealed class ProviderGraphType : ObjectGraphType<ChatProvider>
{
    public ProviderGraphType()
    {
        Name = "Provider";
        Description = "An LLM provider this server is configured for. Keys are never shown.";
        Field(p => p.Name).Description("The name requests and personas use.");
        Field<NonNullGraphType<ProviderKindGraphType>>("kind").Description("What kind of service it is.").Resolve(ctx => ctx.Source.Kind);
        Field<NonNullGraphType<BooleanGraphType>>("usable")
            .Description("False when a key or endpoint it needs is not configured on the server; such a provider refuses generations, except those of a caller who set a key of their own for it (see `myKey`).")
            .Resolve(ctx => ctx.Source.IsUsable);
        Field<NonNullGraphType<BooleanGraphType>>("acceptsUserKeys")
            .Description("True when users may set a key of their own for it (`setProviderKey`): openai, azure-openai and openai-compatible providers.")
            .Resolve(ctx => ctx.Source.AcceptsUserKeys);
        Field<ProviderKeyStatusGraphType>("myKey")
            .Description("Whether you have set a key of your own for it; null when it takes no keys or you are not signed in.")
            .Resolve(ctx => ctx.Source.AcceptsUserKeys && ctx.RequestServices!.GetRequiredService<CurrentUser>().IsKnown
                ? ctx.RequestServices!.GetRequiredService<ProviderKeyByProviderDataLoader>().Load(ctx.Source.Name)
                : null);
        Field(p => p.DefaultModel).Description("The model used when neither the request nor the persona names one.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ModelGraphType>>>>("models").Description("The models it offers.")
            .Resolve(ctx => ctx.Source.Models.Select(m => new ProviderModel(m.Key, m.Value)).OrderBy(m => m.Name, StringComparer.Ordinal));
        Field<ProviderHealthGraphType>("health")
            .Description("The circuit breaker of its server key, read from the breaker itself; null for echo, which calls nothing.")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<CredentialPipelines>().BreakerFor(ctx.Source, userKey: null) is { } breaker
                ? new ProviderHealth(breaker, ctx.RequestServices!.GetRequiredService<CurrentUser>().IsAdmin)
                : null);
        Field<ProviderHealthGraphType>("myKeyHealth")
            .Description("The circuit breaker of your own key for it (see `myKey`), with its details; null when you set no key, or it can no longer be read.")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<UserKeyHealth>().FindAsync(ctx.Source, ctx.CancellationToken));
    }
}

public sealed record ProviderModel(string Name, ModelOptions Options);

public sealed class ModelGraphType : ObjectGraphType<ProviderModel>
{
    public ModelGraphType()
    {
        Name = "Model";
        Description = "A model of a provider.";
        Field(m => m.Name).Description("The name requests use.");
        Field<NonNullGraphType<IntGraphType>>("contextWindow").Description("Tokens the model reads and writes in one call; history is trimmed to fit.")
            .Resolve(ctx => ctx.Source.Options.ContextWindow);
        Field<NonNullGraphType<IntGraphType>>("maxOutputTokens").Description("Most tokens the model writes in one reply.")
            .Resolve(ctx => ctx.Source.Options.MaxOutputTokens);
    }
}

public sealed class ProviderKindGraphType : EnumerationGraphType<ProviderKind>
{
    public ProviderKindGraphType()
    {
        Name = "ProviderKind";
        Description = "The kind of service behind a provider.";
        Values.FindByName("ECHO")!.Description = "Built in: repeats the prompt, token by token; needs no key or network.";
        Values.FindByName("OPEN_AI")!.Description = "OpenAI's API.";
        Values.FindByName("AZURE_OPEN_AI")!.Description = "Azure OpenAI.";
        Values.FindByName("OPEN_AI_COMPATIBLE")!.Description = "Any server speaking OpenAI's chat API: vLLM, llama.cpp, LM Studio, Ollama's /v1.";
        Values.FindByName("OLLAMA")!.Description = "Ollama's own API.";
    }
}
