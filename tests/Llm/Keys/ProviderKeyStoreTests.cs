using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Providers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Llm.Tests.Keys;

public sealed class ProviderKeyStoreTests(ProviderKeyHost host) : IClassFixture<ProviderKeyHost>
{
    private ProviderKeyStore Store => host.Get<ProviderKeyStore>();

    private ChatProvider Provider(string name) => host.Get<ProviderRegistry>().Find(name)!;

    [Fact]
    public async Task Set_ThenFind_GivesTheKeyBackWhileTheRowHoldsOnlyCiphertextAndLastFour()
    {
        var user = await host.AddUserAsync();
        const string Key = "sk-proj-7Hq2Zx9Lm4Rt8Wv1";

        var change = await Store.SetAsync(user, ProviderKeyHost.Compatible, "  " + Key + "\n", default);

        Assert.Empty(change.Errors);
        Assert.Equal((ProviderKeyHost.Compatible, true, "8Wv1"), (change.Status!.Provider, change.Status.IsSet, change.Status.LastFour));
        var row = await host.ReadAsync(db => db.ProviderKeys.SingleAsync(k => k.UserId == user));
        Assert.DoesNotContain(Key, row.ProtectedKey, StringComparison.Ordinal);
        Assert.Equal("8Wv1", row.LastFour);
        Assert.Equal(Key, (await Store.FindKeyAsync(user, Provider(ProviderKeyHost.Compatible), default))!.Value);
    }

    [Fact]
    public async Task Set_Twice_ReplacesTheKeyInTheSameRow()
    {
        var user = await host.AddUserAsync();
        await Store.SetAsync(user, ProviderKeyHost.KeyOnly, "sk-first-key-aaaa", default);

        var change = await Store.SetAsync(user, ProviderKeyHost.KeyOnly, "sk-second-key-bbbb", default);

        Assert.Equal("bbbb", change.Status!.LastFour);
        Assert.Equal(1, await host.ReadAsync(db => db.ProviderKeys.CountAsync(k => k.UserId == user)));
        Assert.Equal("sk-second-key-bbbb", (await Store.FindKeyAsync(user, Provider(ProviderKeyHost.KeyOnly), default))!.Value);
    }

    [Fact]
    public async Task Set_ManyAtOnceForOneUserAndProvider_AllSucceedAndLeaveOneRowHoldingOneOfTheKeys()
    {
        var user = await host.AddUserAsync();
        string[] keys = [.. Enumerable.Range(0, 8).Select(i => $"sk-concurrent-key-{i:D4}")];

        var changes = await Task.WhenAll(keys.Select(k => Task.Run(() => Store.SetAsync(user, ProviderKeyHost.KeyOnly, k, default))));

        Assert.All(changes, c => Assert.Empty(c.Errors));
        Assert.Equal(1, await host.ReadAsync(db => db.ProviderKeys.CountAsync(k => k.UserId == user)));
        Assert.Contains((await Store.FindKeyAsync(user, Provider(ProviderKeyHost.KeyOnly), default))!.Value, keys);
    }

    [Fact]
    public async Task Set_ProviderNameInAnotherCase_StoresItUnderTheConfiguredName()
    {
        var user = await host.AddUserAsync();

        var change = await Store.SetAsync(user, "BYOK", "sk-any-case-1234", default);

        Assert.Equal(ProviderKeyHost.KeyOnly, change.Status!.Provider);
        Assert.NotNull(await Store.FindKeyAsync(user, Provider(ProviderKeyHost.KeyOnly), default));
    }

    public static TheoryData<string, string?, string, string> BadInputs => new()
    {
        { ProviderKeyHost.Compatible, "", ProviderKeyErrorCodes.Required, "apiKey" },
        { ProviderKeyHost.Compatible, " \t ", ProviderKeyErrorCodes.Required, "apiKey" },
        { ProviderKeyHost.Compatible, new string('k', 513), ProviderKeyErrorCodes.TooLong, "apiKey" },
        { ProviderKeyHost.Compatible, "sk-1234", ProviderKeyErrorCodes.Invalid, "apiKey" },
        { ProviderKeyHost.Compatible, "sk-with space-1234", ProviderKeyErrorCodes.Invalid, "apiKey" },
        { ProviderKeyHost.Compatible, "sk-line\nbreak-1234", ProviderKeyErrorCodes.Invalid, "apiKey" },
        { ProviderKeyHost.Compatible, "sk-ключ-12345678", ProviderKeyErrorCodes.Invalid, "apiKey" },
        { "", "sk-valid-key-1234", ProviderKeyErrorCodes.Required, "provider" },
        { "nope", "sk-valid-key-1234", ProviderKeyErrorCodes.UnknownProvider, "provider" },
        { ProviderKeyHost.Ollama, "sk-valid-key-1234", ProviderKeyErrorCodes.KeyNotAccepted, "provider" },
        { "echo", "sk-valid-key-1234", ProviderKeyErrorCodes.KeyNotAccepted, "provider" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Set_BadInput_IsRefusedWithATypedErrorAndChangesNothing(string provider, string? apiKey, string code, string field)
    {
        var user = await host.AddUserAsync();
        await Store.SetAsync(user, ProviderKeyHost.Compatible, "sk-kept-key-9999", default);
        var before = await host.ReadAsync(db => db.ProviderKeys.AsNoTracking().SingleAsync(k => k.UserId == user));

        var change = await Store.SetAsync(user, provider, apiKey, default);

        var error = Assert.Single(change.Errors);
        Assert.Equal((code, field), (error.Code, error.Field));
        Assert.Null(change.Status);
        if (!string.IsNullOrWhiteSpace(apiKey))
            Assert.DoesNotContain(apiKey.Trim(), error.Message, StringComparison.Ordinal);
        var after = await host.ReadAsync(db => db.ProviderKeys.AsNoTracking().SingleAsync(k => k.UserId == user));
        Assert.Equal((before.ProtectedKey, before.LastFour, before.UpdatedAt), (after.ProtectedKey, after.LastFour, after.UpdatedAt));
    }

    [Fact]
    public async Task Set_BadProviderAndBadKey_ReportsBoth()
    {
        var change = await Store.SetAsync(await host.AddUserAsync(), "nope", "", default);

        Assert.Equal([ProviderKeyErrorCodes.UnknownProvider, ProviderKeyErrorCodes.Required], change.Errors.Select(e => e.Code));
    }

    [Fact]
    public async Task Remove_DeletesTheKeyOnceThenSaysThereWasNone()
    {
        var user = await host.AddUserAsync();
        await Store.SetAsync(user, ProviderKeyHost.Compatible, "sk-to-remove-0000", default);

        var first = await Store.RemoveAsync(user, ProviderKeyHost.Compatible, default);
        var second = await Store.RemoveAsync(user, ProviderKeyHost.Compatible, default);

        Assert.Equal((true, false), (first.Changed, first.Status!.IsSet));
        Assert.Equal((false, false), (second.Changed, second.Status!.IsSet));
        Assert.Null(await Store.FindKeyAsync(user, Provider(ProviderKeyHost.Compatible), default));
    }

    [Fact]
    public async Task Remove_KeyOfAProviderNoLongerConfigured_IsDeleted_WhileAnUnknownNameWithoutKeyIsRefused()
    {
        var user = await host.AddUserAsync();
        await AddRowAsync(user, "retired", "whatever");

        var orphan = await Store.RemoveAsync(user, "retired", default);
        var typo = await Store.RemoveAsync(user, "retierd", default);

        Assert.True(orphan.Changed);
        Assert.Equal([ProviderKeyErrorCodes.UnknownProvider], typo.Errors.Select(e => e.Code));
        Assert.Equal(0, await host.ReadAsync(db => db.ProviderKeys.CountAsync(k => k.UserId == user)));
    }

    [Fact]
    public async Task Remove_LeavesOtherUsersAndOtherProvidersAlone()
    {
        var (user, other) = (await host.AddUserAsync(), await host.AddUserAsync());
        await Store.SetAsync(user, ProviderKeyHost.Compatible, "sk-mine-compat-1111", default);
        await Store.SetAsync(user, ProviderKeyHost.KeyOnly, "sk-mine-byok-2222", default);
        await Store.SetAsync(other, ProviderKeyHost.Compatible, "sk-theirs-compat-3333", default);

        await Store.RemoveAsync(user, ProviderKeyHost.Compatible, default);

        Assert.NotNull(await Store.FindKeyAsync(user, Provider(ProviderKeyHost.KeyOnly), default));
        Assert.Equal("sk-theirs-compat-3333", (await Store.FindKeyAsync(other, Provider(ProviderKeyHost.Compatible), default))!.Value);
    }

    [Fact]
    public async Task GetStatuses_ListsEachProviderAskedFor_SetOrNot()
    {
        var user = await host.AddUserAsync();
        await Store.SetAsync(user, ProviderKeyHost.KeyOnly, "sk-status-key-4321", default);

        var statuses = await Store.GetStatusesAsync(user, [ProviderKeyHost.KeyOnly, ProviderKeyHost.Compatible], default);

        Assert.Equal((true, "4321"), (statuses[ProviderKeyHost.KeyOnly].IsSet, statuses[ProviderKeyHost.KeyOnly].LastFour));
        Assert.Equal(ProviderKeyStatus.Unset(ProviderKeyHost.Compatible), statuses[ProviderKeyHost.Compatible]);
    }

    [Fact]
    public async Task Find_ProtectedKeyCopiedToAnotherUsersRow_DoesNotUnprotect()
    {
        var (owner, thief) = (await host.AddUserAsync(), await host.AddUserAsync());
        await Store.SetAsync(owner, ProviderKeyHost.Compatible, "sk-owners-key-5678", default);
        var stolen = await host.ReadAsync(db => db.ProviderKeys.Where(k => k.UserId == owner).Select(k => k.ProtectedKey).SingleAsync());
        await AddRowAsync(thief, ProviderKeyHost.Compatible, stolen);

        var failure = await Assert.ThrowsAsync<ProviderKeyUnreadableException>(() => Store.FindKeyAsync(thief, Provider(ProviderKeyHost.Compatible), default));

        Assert.DoesNotContain("sk-owners-key-5678", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_KeyProtectedWithAnotherKeyRing_IsUnreadableAndSaysNothingOfTheKey()
    {
        var user = await host.AddUserAsync();
        const string Key = "sk-lost-ring-key-8765";
        var foreign = new EphemeralDataProtectionProvider()
            .CreateProtector(ProviderKeyStore.Purpose, user.ToString("N"), ProviderKeyHost.Compatible).Protect(Key);
        await AddRowAsync(user, ProviderKeyHost.Compatible, foreign);

        var failure = await Assert.ThrowsAsync<ProviderKeyUnreadableException>(() => Store.FindKeyAsync(user, Provider(ProviderKeyHost.Compatible), default));

        Assert.Equal(ProviderKeyHost.Compatible, failure.Provider);
        Assert.DoesNotContain(Key, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderApiKey_PrintsNoPartOfTheKey()
    {
        var key = new ProviderApiKey("sk-printed-key-1357");

        Assert.DoesNotContain("1357", key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-", $"{key}", StringComparison.Ordinal);
        Assert.Equal(key.Fingerprint, new ProviderApiKey("sk-printed-key-1357").Fingerprint);
        Assert.NotEqual(key.Fingerprint, new ProviderApiKey("sk-printed-key-1358").Fingerprint);
    }

    private Task AddRowAsync(Guid user, string provider, string protectedKey) => host.ReadAsync(async db =>
    {
        db.ProviderKeys.Add(new ProviderKey
        {
            Id = Guid.NewGuid(),
            UserId = user,
            Provider = provider,
            ProtectedKey = protectedKey,
            LastFour = "abcd",
            UpdatedAt = DateTime.UtcNow,
        });
        return await db.SaveChangesAsync();
    });
}
