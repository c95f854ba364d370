using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Telemetry;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>
/// The stub provider and a second one (<see cref="Backup"/>) on a stub of its own, and the route <see cref="Route"/>
/// that tries the stub first, then the backup.
/// </summary>
public sealed class FailoverServer : StubProviderServer
{
    public const string Route = "with-backup";
    public const string Backup = "backup";
    public const string BackupModel = "backup-chat";

    public OpenAICompatibleStub BackupStub { get; private set; } = null!;

    protected override async Task<TestDatabase> CreateDatabaseCoreAsync()
    {
        BackupStub = await OpenAICompatibleStub.StartAsync();
        const string path = "Llm:Providers:" + Backup;
        Set(path + ":Kind", "openai-compatible");
        Set(path + ":Endpoint", BackupStub.OpenAIEndpoint.ToString());
        Set(path + ":Resilience:MaxRetries", "0");
        Set($"{path}:Models:{BackupModel}:ContextWindow", "8192");
        Set($"{path}:Models:{BackupModel}:MaxOutputTokens", "1024");
        Set($"Llm:Routes:{Route}:0:Provider", StubProvider.Name);
        Set($"Llm:Routes:{Route}:1:Provider", Backup);
        Set($"Llm:Routes:{Route}:1:Model", BackupModel);
        return TestDatabase.CreateSqlite();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (BackupStub is not null)
            await BackupStub.DisposeAsync();
    }
}

/// <summary>What a client sees of a route: which target served, how many were tried, and the failover in <c>/metrics</c>.</summary>
public sealed class FailoverTests(FailoverServer server) : IClassFixture<FailoverServer>
{
    private const string Finished = "query($id: ID!) { generation(id: $id) { status provider model usage { provider model attempts } message { content } } }";

    [Fact]
    public async Task RouteWhoseFirstTargetFails_IsServedByTheNext_AndUsageSaysWhichAfterHowManyAttempts()
    {
        server.Stub.Reset();
        server.BackupStub.Reset();
        server.Stub.Enqueue(StubFault.Status(500));

        var started = await server.StartGenerationAsync(new JsonObject { ["prompt"] = GenerationStreams.UniquePrompt("routed"), ["route"] = FailoverServer.Route });
        var id = started.String("id")!;
        await server.WaitUntilFinishedAsync(id);
        var generation = (await server.PostGraphQLAsync(Finished, new { id })).ShouldHaveNoErrors().At("data.generation")!;

        Assert.Equal("COMPLETED", generation.String("status"));
        Assert.Equal(StubProvider.DefaultReply, generation.String("message.content"));
        Assert.Equal((FailoverServer.Backup, FailoverServer.BackupModel), (generation.String("provider"), generation.String("model")));
        Assert.Equal((FailoverServer.Backup, FailoverServer.BackupModel, 2),
            (generation.String("usage.provider"), generation.String("usage.model"), generation.Int("usage.attempts")));
        Assert.Single(server.Stub.Requests);
        Assert.Single(server.BackupStub.Requests);

        var scrape = await server.WaitForScrapeAsync(s => s.Sum("llmplatform_provider_failovers_total", ("gen_ai_provider_name", StubProvider.Name)) > 0);
        Assert.True(scrape.Sum("llmplatform_provider_failovers_total", ("gen_ai_provider_name", StubProvider.Name), ("llmplatform_reason", "500")) >= 1);
    }

    [Fact]
    public async Task RouteWithProvider_OrUnknownRoute_IsAUserErrorOnTheRouteField()
    {
        const string start = "mutation($input: GenerateInput!) { startGeneration(input: $input) { generation { id } userErrors { code field } } }";

        var both = (await server.PostGraphQLAsync(start, new JsonObject { ["input"] = new JsonObject { ["prompt"] = "hi", ["route"] = FailoverServer.Route, ["provider"] = "echo" } })).ShouldHaveNoErrors();
        var unknown = (await server.PostGraphQLAsync(start, new JsonObject { ["input"] = new JsonObject { ["prompt"] = "hi", ["route"] = "nowhere" } })).ShouldHaveNoErrors();

        Assert.Equal("ROUTE_CONFLICT", both.String("data.startGeneration.userErrors[0].code"));
        Assert.Equal("UNKNOWN_ROUTE", unknown.String("data.startGeneration.userErrors[0].code"));
        Assert.Equal("""["input","route"]""", unknown.At("data.startGeneration.userErrors[0].field")!.ToJsonString());
        Assert.Null(unknown.At("data.startGeneration.generation"));
    }

    [Fact]
    public async Task PersonaWithARoute_StoresIt_AndItsGenerationsFollowIt_AndAnUnknownRouteIsRefused()
    {
        const string create = "mutation($input: CreatePersonaInput!) { createPersona(input: $input) { persona { id route } userErrors { code field } } }";
        var created = (await server.PostGraphQLAsync(create, new JsonObject { ["input"] = new JsonObject { ["name"] = "Routed", ["systemPrompt"] = "Be brief.", ["route"] = FailoverServer.Route } }))
            .ShouldHaveNoErrors();
        var refused = (await server.PostGraphQLAsync(create, new JsonObject { ["input"] = new JsonObject { ["name"] = "Lost", ["systemPrompt"] = "Be brief.", ["route"] = "nowhere" } }))
            .ShouldHaveNoErrors();
        Assert.Equal(FailoverServer.Route, created.String("data.createPersona.persona.route"));
        Assert.Equal("UNKNOWN_ROUTE", refused.String("data.createPersona.userErrors[0].code"));

        server.Stub.Reset();
        server.BackupStub.Reset();
        server.Stub.Enqueue(StubFault.Status(503));
        var started = await server.StartGenerationAsync(new JsonObject
        {
            ["prompt"] = GenerationStreams.UniquePrompt("as the routed persona"),
            ["personaId"] = created.String("data.createPersona.persona.id"),
        });
        await server.WaitUntilFinishedAsync(started.String("id")!);
        var generation = (await server.PostGraphQLAsync(Finished, new { id = started.String("id") })).ShouldHaveNoErrors().At("data.generation")!;
        Assert.Equal((FailoverServer.Backup, 2), (generation.String("usage.provider"), generation.Int("usage.attempts")));
    }
}
