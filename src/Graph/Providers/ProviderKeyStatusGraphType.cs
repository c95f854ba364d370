using GraphQL.Types;
using LlmPlatform.Llm.Keys;

namespace LlmPlatform.Graph.Providers;

public sealed class ProviderKeyStatusGraphType : ObjectGraphType<ProviderKeyStatus>
{
    public ProviderKeyStatusGraphType()
    {
        Name = "ProviderKeyStatus";
        Description = "Whether you have set a key of your own for a provider. The key itself is never shown: only its last four characters.";
        Field(s => s.Provider).Description("The provider's name.");
        Field(s => s.IsSet).Description("True when your own key is stored; your generations on this provider then use it instead of the server's.");
        Field(s => s.LastFour, nullable: true).Description("The last four characters of your key, to tell keys apart; null when none is set.");
        Field(s => s.UpdatedAt, nullable: true).Description("When your key was last set (UTC); null when none is set.");
    }
}
