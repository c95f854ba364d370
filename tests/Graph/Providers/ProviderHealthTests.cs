using System.Net;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Llm.Providers;
using LlmPlatform.Testing.Stubs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Graph.Tests.Providers;

/// <summary>
/// <see cref="StubProvider"/>'s providers on a server that requires tokens, the stub's circuit opening when half of at
/// least two calls failed, for a minute.
/// </summary>
public sealed class CircuitStubProviderServer : StubProviderServer
{
    public CircuitStubProviderServer()
    {
        AuthSettings.Apply(Set);
        const string path = "Llm:Providers:" + StubProvider.Name + ":Resilience:";
        Set(path + "FailureRatio", "0.5");
        Set(path + "MinimumThroughput", "2");
        Set(path + "BreakDuration", "00:01:00");
    }

    protected override Task<TestDatabase> CreateDatabaseCoreAsync() => Task.FromResult(TestDatabase.CreateSqlite());
}

public sealed class ProviderHealthTests(CircuitStubProviderServer server) : IClassFixture<CircuitStubProviderServer>
{
    private const string Health = "{ providers { name health { state failures lastError openedUntil } } }";

    [Fact]
    public async Task OpenCircuit_AdminSeesStateFailuresAndLastError_UserSeesStateOnly_GenerationsAreRefusedWithRetryAfter_AndReadinessNamesIt()
    {
        server.Stub.Reset();
        var (_, user) = await server.SignUpAsync();
        var (_, admin) = await server.SignUpAsync(AuthSettings.AdminEmail);
        var before = Stub(await server.PostGraphQLWithTokenAsync(user, Health));
        Assert.Equal("CLOSED", before!["state"]!.GetValue<string>());

        server.Stub.Enqueue(StubFault.Status(503));
        server.Stub.Enqueue(StubFault.Status(503));
        await FailTwiceAsync();

        var seenByAdmin = Stub(await server.PostGraphQLWithTokenAsync(admin, Health))!;
        Assert.Equal(("OPEN", 2, "The provider answered 503."),
            (seenByAdmin["state"]!.GetValue<string>(), seenByAdmin["failures"]!.GetValue<int>(), seenByAdmin["lastError"]!.GetValue<string>()));
        Assert.True(seenByAdmin["openedUntil"]!.GetValue<DateTime>() > DateTime.UtcNow);

        var seenByUser = Stub(await server.PostGraphQLWithTokenAsync(user, Health))!;
        Assert.Equal("OPEN", seenByUser["state"]!.GetValue<string>());
        Assert.Null(seenByUser["failures"]);
        Assert.Null(seenByUser["lastError"]);
        Assert.Null(seenByUser["openedUntil"]);

        // A generation on the open circuit is refused as data, saying when to try again, and nothing is sent.
        var calls = server.Stub.Requests.Count;
        var refused = await server.PostGraphQLWithTokenAsync(user,
            "mutation($input: GenerateInput!) { startGeneration(input: $input) { generation { id } userErrors { code field retryAfter } } }",
            new { input = new { prompt = "anyone there?", provider = StubProvider.Name } });
        var error = refused["data"]!["startGeneration"]!["userErrors"]!.AsArray().Single()!;
        Assert.Null(refused["data"]!["startGeneration"]!["generation"]);
        Assert.Equal("PROVIDER_UNAVAILABLE", error["code"]!.GetValue<string>());
        Assert.InRange(error["retryAfter"]!.GetValue<int>(), 1, 60);
        Assert.Equal(calls, server.Stub.Requests.Count);

        using var ready = await server.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var text = await ready.Content.ReadAsStringAsync();
        Assert.StartsWith("Degraded", text, StringComparison.Ordinal);
        Assert.Contains($"providers: {StubProvider.Name} circuit open until", text, StringComparison.Ordinal);
    }

    // Two calls through the provider's real connector and HTTP pipeline, each answered 503.
    private async Task FailTwiceAsync()
    {
        var service = server.Services.GetRequiredService<ProviderRegistry>().Find(StubProvider.Name)!.GetService(StubProvider.Model);
        var history = new ChatHistory();
        history.AddUserMessage("fail");
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await foreach (var chunk in service.GetStreamingChatMessageContentsAsync(history))
                    Assert.Fail("the stub answered");
            });
        }
    }

    private static System.Text.Json.Nodes.JsonNode? Stub(System.Text.Json.Nodes.JsonObject result) =>
        result["data"]!["providers"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == StubProvider.Name)!["health"];
}
