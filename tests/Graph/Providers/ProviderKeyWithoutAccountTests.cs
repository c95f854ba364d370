using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Providers;

/// <summary>Keys belong to an account: a caller acting for nobody can neither set nor remove one, nor has a key status.</summary>
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
    public async Task SetAndRemoveProviderKey_CallerWithoutAccount_AreUnauthenticatedUserErrorsAndWriteNothing()
    {
        var set = (await server.SetKeyAsync(Provider, "sk-nobody-key-1234")).ShouldHaveNoErrors();
        var remove = (await server.RemoveKeyAsync(Provider)).ShouldHaveNoErrors();

        Assert.Equal(["UNAUTHENTICATED "], set.UserErrors("setProviderKey"));
        Assert.Equal(["UNAUTHENTICATED "], remove.UserErrors("removeProviderKey"));
        Assert.Equal(0, await server.CountAsync<ProviderKey>());
    }

    [Fact]
    public async Task Providers_CallerWithoutAccount_HasNoKeyStatus()
    {
        var result = (await server.PostGraphQLAsync(ProviderKeyApi.Providers)).ShouldHaveNoErrors();

        var local = Assert.Single(result.At("data.providers")!.AsArray(), p => p!.String("name") == Provider)!;
        Assert.True(local["acceptsUserKeys"]!.GetValue<bool>());
        Assert.Null(local["myKey"]);
    }
}
