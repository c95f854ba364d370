using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Providers;

/// <summary>Keys belong to an account: a caller acting for nobody can neither set, remove nor look at one.</summary>
public sealed class ProviderKeyWithoutAccountTests(ProviderKeyWithoutAccountTests.Server server)
    : IClassFixture<ProviderKeyWithoutAccountTests.Server>
{
    private const string Provider = "local";

    /// <summary>Requests without a token act for nobody; one provider takes keys (it is never called).</summary>
    public sealed class Server : ConfiguredSqliteServer
    {
        public Server()
        {
            Set("Auth:AnonymousAsLocalUser", "false");
            Set($"Llm:Providers:{Provider}:Kind", "openai-compatible");
            Set($"Llm:Providers:{Provider}:Endpoint", "http://127.0.0.1:9/v1");
            Set($"Llm:Providers:{Provider}:Models:m:ContextWindow", "8192");
        }
    }

    [Fact]
    public async Task SetRemoveAndMyKey_CallerWithoutAccount_AreRefusedAsUnauthenticatedAndWriteNothing()
    {
        var set = await server.SetKeyAsync(Provider, "sk-nobody-key-1234");
        var remove = await server.RemoveKeyAsync(Provider);
        var providers = await server.PostGraphQLAsync(ProviderKeyApi.Providers);

        Assert.Equal(["UNAUTHENTICATED"], set.ErrorCodes());
        Assert.Equal(["UNAUTHENTICATED"], remove.ErrorCodes());
        Assert.Equal(["UNAUTHENTICATED"], providers.ErrorCodes());
        Assert.DoesNotContain("sk-nobody-key-1234", set.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, await server.CountAsync<ProviderKey>());
    }
}
