using GraphQL.Types;

namespace LlmPlatform.Graph.Providers;

public sealed record SetProviderKeyInput(string Provider, string ApiKey);

public sealed class SetProviderKeyInputGraphType : InputObjectGraphType<SetProviderKeyInput>
{
    public SetProviderKeyInputGraphType()
    {
        Name = "SetProviderKeyInput";
        Description = "Your own API key for a provider, replacing any you set before.";
        Field(i => i.Provider).Description("The provider's name, as `providers` lists it; only openai, azure-openai and openai-compatible providers take keys.");
        Field(i => i.ApiKey).Description("The key, as the provider issued it (surrounding spaces are trimmed). Stored encrypted; never returned.");
    }
}

public sealed record RemoveProviderKeyInput(string Provider);

public sealed class RemoveProviderKeyInputGraphType : InputObjectGraphType<RemoveProviderKeyInput>
{
    public RemoveProviderKeyInputGraphType()
    {
        Name = "RemoveProviderKeyInput";
        Description = "The provider whose key of yours to delete; your generations on it go back to the server's key.";
        Field(i => i.Provider).Description("The provider's name.");
    }
}
