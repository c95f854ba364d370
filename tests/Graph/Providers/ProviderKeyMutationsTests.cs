using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Tests.Generation;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Llm.Keys;
using Microsoft.AspNetCore.DataProtection;
using LlmPlatform.Testing.Stubs;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Providers;

/// <summary>
/// setProviderKey and removeProviderKey through the real endpoint, and what a user's key changes: the key the
/// provider (an OpenAI-compatible stub) is called with. Every test starts with no keys stored.
/// </summary>
public abstract class ProviderKeyMutationsTests : IAsyncLifetime
{
    private const string UserKey = "sk-user-4b7e1f0c9a2d8e63";

    private readonly ProviderKeyServer _server;

    protected ProviderKeyMutationsTests(ProviderKeyServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.Stub.Reset();
    }

    public Task InitializeAsync() => _server.ReadAsync(db => db.ProviderKeys.ExecuteDeleteAsync());

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SetProviderKey_ValidKey_ReturnsOnlyWhetherItIsSetAndItsLastFour_AndStoresItEncrypted()
    {
        using var response = await _server.PostGraphQLRawAsync(ProviderKeyApi.Set, new { input = new { provider = StubProvider.Name, apiKey = UserKey } });
        var text = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain(UserKey, text, StringComparison.Ordinal);
        var result = JsonNode.Parse(text)!.AsObject().ShouldHaveNoErrors();
        Assert.Empty(result.UserErrors("setProviderKey"));
        var status = result.At("data.setProviderKey.providerKey")!;
        Assert.Equal((StubProvider.Name, true, "8e63"), (status.String("provider"), status["isSet"]!.GetValue<bool>(), status.String("lastFour")));
        Assert.NotNull(status.String("updatedAt"));
        var row = await _server.ReadAsync(db => db.ProviderKeys.AsNoTracking().SingleAsync());
        Assert.Equal((LocalUser.Id, StubProvider.Name, "8e63"), (row.UserId, row.Provider, row.LastFour));
        Assert.NotEqual(UserKey, row.ProtectedKey);
        Assert.DoesNotContain(UserKey, row.ProtectedKey, StringComparison.Ordinal);
        Assert.DoesNotContain(UserKey["sk-user-".Length..], row.ProtectedKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MyKeyHealth_IsTheBreakerOfTheUsersOwnKey_WithItsFailures_AndNullWithoutAKey()
    {
        const string FailingKey = "sk-user-failing-7a6b5c4d";
        const string health = "{ providers { name myKeyHealth { state failures lastError } } }";
        static JsonNode StubOf(JsonNode result) => result.At("data.providers")!.AsArray().Single(p => p!.String("name") == StubProvider.Name)!;

        var withoutKey = StubOf((await _server.PostGraphQLAsync(health)).ShouldHaveNoErrors());
        await SetKeyAsync(StubProvider.Name, FailingKey);
        _server.Stub.FailKey(FailingKey, StubFault.Status(500));
        var generation = await _server.StartGenerationAsync(GenerationApi.Input(GenerationStreams.UniquePrompt("own key failing"), provider: StubProvider.Name));
        Assert.Equal("FAILED", (await _server.WaitUntilFinishedAsync(generation.String("id")!)).String("status"));
        var withKey = StubOf((await _server.PostGraphQLAsync(health)).ShouldHaveNoErrors());

        Assert.Null(withoutKey["myKeyHealth"]);
        Assert.Equal("CLOSED", withKey.String("myKeyHealth.state"));
        Assert.True(withKey.Int("myKeyHealth.failures") >= 1);
        Assert.Equal("The provider answered 500.", withKey.String("myKeyHealth.lastError"));
    }

    [Fact]
    public async Task Generation_CallsTheProviderWithTheUsersKey_ANewKeyAtOnce_AndTheServersKeyAfterRemoval()
    {
        const string NewKey = "sk-user-replaced-0f9e8d7c";

        var before = await _server.GenerateAndReadBearerAsync(StubProvider.Name);
        await SetKeyAsync(StubProvider.Name, UserKey);
        var withKey = await _server.GenerateAndReadBearerAsync(StubProvider.Name);
        await SetKeyAsync(StubProvider.Name, NewKey);
        var withNewKey = await _server.GenerateAndReadBearerAsync(StubProvider.Name);
        var removal = (await _server.RemoveKeyAsync(StubProvider.Name)).ShouldHaveNoErrors();
        var after = await _server.GenerateAndReadBearerAsync(StubProvider.Name);

        Assert.Equal(
            [StubProvider.ApiKey, UserKey, NewKey, StubProvider.ApiKey],
            [before, withKey, withNewKey, after]);
        Assert.Empty(removal.UserErrors("removeProviderKey"));
        Assert.True(removal.At("data.removeProviderKey.removed")!.GetValue<bool>());
        Assert.False(removal.At("data.removeProviderKey.providerKey.isSet")!.GetValue<bool>());
        Assert.Equal(0, await _server.CountAsync<ProviderKey>());
    }

    [Fact]
    public async Task Generation_ProviderWithoutAServerKey_IsRefusedUntilTheUserSetsOne()
    {
        var refused = (await _server.PostGraphQLAsync(GenerationApi.Start, new JsonObject
        {
            ["input"] = GenerationApi.Input("hello", provider: ProviderKeyServer.KeyOnly, model: ProviderKeyServer.KeyOnlyModel),
        })).ShouldHaveNoErrors();
        await SetKeyAsync(ProviderKeyServer.KeyOnly, UserKey);
        var bearer = await _server.GenerateAndReadBearerAsync(ProviderKeyServer.KeyOnly, ProviderKeyServer.KeyOnlyModel);

        Assert.Equal(["PROVIDER_UNAVAILABLE input.provider"], refused.UserErrors("startGeneration"));
        Assert.Equal(UserKey, bearer);
    }

    [Fact]
    public async Task Generation_StoredKeyThisServerCannotUnprotect_IsRefusedWithATypedErrorAndWritesNothing()
    {
        // A key protected with a key ring this server never had, as after the ring was lost.
        var foreign = new EphemeralDataProtectionProvider()
            .CreateProtector(ProviderKeyStore.Purpose, LocalUser.Id.ToString("N"), StubProvider.Name).Protect(UserKey);
        await _server.ReadAsync(db =>
        {
            db.ProviderKeys.Add(new ProviderKey
            {
                Id = Guid.NewGuid(), UserId = LocalUser.Id, Provider = StubProvider.Name, ProtectedKey = foreign, LastFour = "8e63", UpdatedAt = DateTime.UtcNow,
            });
            return db.SaveChangesAsync();
        });
        var rows = await _server.CountRowsAsync();

        using var response = await _server.PostGraphQLRawAsync(GenerationApi.Start, new { input = GenerationApi.Input("hello", provider: StubProvider.Name) });
        var text = await response.Content.ReadAsStringAsync();

        var result = JsonNode.Parse(text)!.AsObject().ShouldHaveNoErrors();
        Assert.Equal(["PROVIDER_KEY_UNREADABLE input.provider"], result.UserErrors("startGeneration"));
        Assert.DoesNotContain(UserKey, text, StringComparison.Ordinal);
        Assert.Equal(rows, await _server.CountRowsAsync());
        Assert.Empty(_server.Stub.Requests);
    }

    /// <summary>Each bad input, the provider and key sent, and the user error it gets.</summary>
    public static TheoryData<string, string, string, string> BadInputs => new()
    {
        { "empty key", StubProvider.Name, "", "REQUIRED input.apiKey" },
        { "blank key", StubProvider.Name, "  \t ", "REQUIRED input.apiKey" },
        { "key over 512 characters", StubProvider.Name, "sk-" + new string('x', 510), "TOO_LONG input.apiKey" },
        { "key under 8 characters", StubProvider.Name, "sk-abcd", "INVALID input.apiKey" },
        { "key with a line break", StubProvider.Name, "sk-user-abc\r\nX-Injected: 1", "INVALID input.apiKey" },
        { "key with a control character", StubProvider.Name, "sk-user-\u0007-bell", "INVALID input.apiKey" },
        { "unknown provider", "no-such-provider", "sk-user-valid-key-01", "UNKNOWN_PROVIDER input.provider" },
        { "provider that takes no key", "echo", "sk-user-valid-key-02", "KEY_NOT_ACCEPTED input.provider" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task SetProviderKey_BadInput_ReturnsATypedUserErrorAndChangesNothing(string badInput, string provider, string apiKey, string error)
    {
        await SetKeyAsync(StubProvider.Name, UserKey);
        var before = await _server.ReadAsync(db => db.ProviderKeys.AsNoTracking().SingleAsync());

        using var response = await _server.PostGraphQLRawAsync(ProviderKeyApi.Set, new { input = new { provider, apiKey } });
        var text = await response.Content.ReadAsStringAsync();

        var result = JsonNode.Parse(text)!.AsObject().ShouldHaveNoErrors();
        Assert.True(result.UserErrors("setProviderKey").SequenceEqual([error]), badInput + ": " + text);
        Assert.Null(result.At("data.setProviderKey.providerKey"));
        if (!string.IsNullOrWhiteSpace(apiKey))
            Assert.DoesNotContain(apiKey.Trim(), text, StringComparison.Ordinal);
        var after = await _server.ReadAsync(db => db.ProviderKeys.AsNoTracking().ToListAsync());
        var row = Assert.Single(after);
        Assert.Equal((before.ProtectedKey, before.LastFour, before.UpdatedAt), (row.ProtectedKey, row.LastFour, row.UpdatedAt));
    }

    [Fact]
    public async Task RemoveProviderKey_NoneSet_SaysSo_AndAnUnknownProviderIsAUserError()
    {
        var none = (await _server.RemoveKeyAsync(StubProvider.Name)).ShouldHaveNoErrors();
        var unknown = (await _server.RemoveKeyAsync("no-such-provider")).ShouldHaveNoErrors();

        Assert.Empty(none.UserErrors("removeProviderKey"));
        Assert.False(none.At("data.removeProviderKey.removed")!.GetValue<bool>());
        Assert.Equal(["UNKNOWN_PROVIDER input.provider"], unknown.UserErrors("removeProviderKey"));
        Assert.Null(unknown.At("data.removeProviderKey.providerKey"));
    }

    [Fact]
    public async Task Providers_MyKey_ShowsTheCallersKeyStatus_ForEveryProviderInOneStatement()
    {
        await SetKeyAsync(ProviderKeyServer.KeyOnly, UserKey);

        _server.Sql.Reset();
        var result = (await _server.PostGraphQLAsync(ProviderKeyApi.Providers)).ShouldHaveNoErrors();
        var statements = _server.Sql.Count;

        var providers = result.At("data.providers")!.AsArray().ToDictionary(p => p!.String("name")!, p => p!);
        Assert.Equal(1, statements);
        Assert.Equal((false, false), (providers["echo"]["acceptsUserKeys"]!.GetValue<bool>(), providers["echo"]["myKey"] is not null));
        Assert.Equal((false, true, "8e63"), (providers[ProviderKeyServer.KeyOnly]["usable"]!.GetValue<bool>(),
            providers[ProviderKeyServer.KeyOnly].At("myKey.isSet")!.GetValue<bool>(), providers[ProviderKeyServer.KeyOnly].String("myKey.lastFour")));
        Assert.False(providers[StubProvider.Name].At("myKey.isSet")!.GetValue<bool>());
        Assert.Null(providers[StubProvider.Name].At("myKey.lastFour"));
    }

    private async Task SetKeyAsync(string provider, string apiKey)
    {
        var result = (await _server.SetKeyAsync(provider, apiKey)).ShouldHaveNoErrors();
        Assert.Empty(result.UserErrors("setProviderKey"));
    }
}

public sealed class ProviderKeyMutationsOnSqliteTests(SqliteProviderKeyServer server)
    : ProviderKeyMutationsTests(server), IClassFixture<SqliteProviderKeyServer>;

public sealed class ProviderKeyMutationsOnPostgresTests(PostgresProviderKeyServer server)
    : ProviderKeyMutationsTests(server), IClassFixture<PostgresProviderKeyServer>;
