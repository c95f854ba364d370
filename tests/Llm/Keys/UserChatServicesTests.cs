using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Providers;

namespace LlmPlatform.Llm.Tests.Keys;

public sealed class UserChatServicesTests(ProviderKeyHost host) : IClassFixture<ProviderKeyHost>
{
    private ProviderKeyStore Store => host.Get<ProviderKeyStore>();

    private UserChatServices Services => host.Get<UserChatServices>();

    private ChatProvider Provider(string name) => host.Get<ProviderRegistry>().Find(name)!;

    [Fact]
    public async Task Choose_UserWithoutKey_GetsTheServersService()
    {
        var user = await host.AddUserAsync();
        var provider = Provider(ProviderKeyHost.Compatible);

        var choice = await Services.ChooseAsync(provider, ProviderKeyHost.Model, user, default);

        Assert.Same(provider.GetService(ProviderKeyHost.Model), choice.Service);
    }

    [Fact]
    public async Task Choose_UserWithKey_GetsAServiceOfTheirOwn_ReusedUntilTheKeyChanges()
    {
        var user = await host.AddUserAsync();
        var provider = Provider(ProviderKeyHost.Compatible);
        await Store.SetAsync(user, provider.Name, "sk-first-user-key-1", default);

        var first = await Services.ChooseAsync(provider, ProviderKeyHost.Model, user, default);
        var again = await Services.ChooseAsync(provider, ProviderKeyHost.Model, user, default);
        await Store.SetAsync(user, provider.Name, "sk-second-user-key-2", default);
        var changed = await Services.ChooseAsync(provider, ProviderKeyHost.Model, user, default);
        await Store.RemoveAsync(user, provider.Name, default);
        var removed = await Services.ChooseAsync(provider, ProviderKeyHost.Model, user, default);

        Assert.NotNull(first.Service);
        Assert.NotSame(provider.GetService(ProviderKeyHost.Model), first.Service);
        Assert.Same(first.Service, again.Service);
        Assert.NotNull(changed.Service);
        Assert.NotSame(first.Service, changed.Service);
        Assert.Same(provider.GetService(ProviderKeyHost.Model), removed.Service);
    }

    [Fact]
    public async Task Choose_ProviderWithoutServerKey_NeedsTheUsersKey()
    {
        var user = await host.AddUserAsync();
        var provider = Provider(ProviderKeyHost.KeyOnly);

        var without = await Services.ChooseAsync(provider, ProviderKeyHost.Model, user, default);
        await Store.SetAsync(user, provider.Name, "sk-bring-your-own-3", default);
        var with = await Services.ChooseAsync(provider, ProviderKeyHost.Model, user, default);

        Assert.Equal((null, ChatServiceProblem.NoKey), (without.Service, without.Problem));
        Assert.Equal(ChatServiceProblem.None, with.Problem);
        Assert.NotNull(with.Service);
    }

    [Fact]
    public async Task Choose_UnreadableKey_IsRefusedRatherThanSentWithTheServersKey()
    {
        var user = await host.AddUserAsync();
        await host.ReadAsync(async db =>
        {
            db.ProviderKeys.Add(new ProviderKey
            {
                Id = Guid.NewGuid(), UserId = user, Provider = ProviderKeyHost.Compatible, ProtectedKey = "CfDJ8-not-ours", LastFour = "ours", UpdatedAt = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });

        var choice = await Services.ChooseAsync(Provider(ProviderKeyHost.Compatible), ProviderKeyHost.Model, user, default);

        Assert.Equal((null, ChatServiceProblem.UserKeyUnreadable), (choice.Service, choice.Problem));
    }
}
