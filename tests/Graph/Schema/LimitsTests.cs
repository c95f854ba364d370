using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Tests.Schema;

/// <summary>
/// Depth, complexity and alias limits, and the size limits of documents, each set small: refused before anything
/// runs, with a clear error.
/// </summary>
public sealed class LimitsTests(LimitsTests.SmallLimitsServer server) : IClassFixture<LimitsTests.SmallLimitsServer>
{
    public sealed class SmallLimitsServer : ConfiguredSqliteServer
    {
        public const int MaxDepth = 3;
        public const int MaxComplexity = 50;
        public const int MaxAliases = 2;
        public const int MaxDocumentLength = 1000;
        public const int MaxNestingDepth = 24;
        public const int MaxDocumentNodes = 120;
        public const int MaxMergedFieldPairs = 3;
        public const int MaxNodesPerRequest = 2;
        public const int MaxPageSize = 4;

        public SmallLimitsServer()
        {
            Set("GraphQL:MaxDepth", MaxDepth.ToString(CultureInfo.InvariantCulture));
            Set("GraphQL:MaxComplexity", MaxComplexity.ToString(CultureInfo.InvariantCulture));
            Set("GraphQL:MaxAliases", MaxAliases.ToString(CultureInfo.InvariantCulture));
            Set("GraphQL:MaxDocumentLength", MaxDocumentLength.ToString(CultureInfo.InvariantCulture));
            Set("GraphQL:MaxNestingDepth", MaxNestingDepth.ToString(CultureInfo.InvariantCulture));
            Set("GraphQL:MaxDocumentNodes", MaxDocumentNodes.ToString(CultureInfo.InvariantCulture));
            Set("GraphQL:MaxMergedFieldPairs", MaxMergedFieldPairs.ToString(CultureInfo.InvariantCulture));
            Set("GraphQL:MaxNodesPerRequest", MaxNodesPerRequest.ToString(CultureInfo.InvariantCulture));
            Set("GraphQL:Paging:MaxPageSize", MaxPageSize.ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Depth_AtTheLimit_Runs()
    {
        // personas > nodes > name: 3 levels.
        var result = await server.PostGraphQLAsync("{ personas(first: 2) { nodes { name } } }");

        Assert.Equal(2, result.ShouldHaveNoErrors().At("data.personas.nodes")!.AsArray().Count);
    }

    [Fact]
    public async Task Depth_OverTheLimit_RefusedBeforeExecution()
    {
        // conversations > nodes > persona > name: 4 levels.
        await AssertRefusedAsync("{ conversations(first: 1) { nodes { persona { name } } } }", "COMPLEXITY", "depth");
    }

    [Fact]
    public async Task Complexity_UnderTheLimit_Runs()
    {
        var result = await server.PostGraphQLAsync("{ personas(first: 3) { nodes { name } } }");

        Assert.Equal(3, result.ShouldHaveNoErrors().At("data.personas.nodes")!.AsArray().Count);
    }

    [Fact]
    public async Task Complexity_OverTheLimit_RefusedBeforeExecution()
    {
        // 100 nodes of one field each: about 100 against a limit of 50.
        await AssertRefusedAsync("{ personas(first: 100) { nodes { name } } }", "COMPLEXITY", "complex");
    }

    [Fact]
    public async Task Complexity_PageSizeFromAVariable_RefusedBeforeExecution()
    {
        await AssertRefusedAsync("query Page($n: Int!) { personas(first: $n) { nodes { name } } }", "COMPLEXITY", "complex",
            variables: new { n = 100 });
    }

    [Fact]
    public async Task Aliases_AtTheLimit_Run()
    {
        var result = await server.PostGraphQLAsync("{ a: __typename b: __typename }");

        Assert.Equal("Query", result.ShouldHaveNoErrors().String("data.b"));
    }

    [Fact]
    public async Task Aliases_OverTheLimit_RefusedBeforeExecution()
    {
        await AssertRefusedAsync("{ a: personas(first: 1) { totalCount } b: personas(first: 1) { totalCount } c: personas(first: 1) { totalCount } }",
            "MAX_ALIASES", "aliases");
    }

    [Fact]
    public async Task DocumentLength_AtTheLimit_Runs()
    {
        var result = await server.PostGraphQLAsync(Padded("{ __typename }", SmallLimitsServer.MaxDocumentLength));

        Assert.Equal("Query", result.ShouldHaveNoErrors().String("data.__typename"));
    }

    [Fact]
    public async Task DocumentLength_OverTheLimit_RefusedBeforeParsing()
    {
        await AssertRefusedAsync(Padded("{ __typename }", SmallLimitsServer.MaxDocumentLength + 1), "MAX_DOCUMENT_LENGTH", "longer than");
    }

    [Theory]
    [InlineData("selections", "{ a { a { a { a { a { a { a { a { a { a { a { a { a { a { b } } } } } } } } } } } } } } }")]
    [InlineData("list values", "{ nodes(ids: [[[[[[[[[[[[[[[[[[[[[[[[\"x\"]]]]]]]]]]]]]]]]]]]]]]]) { id } }")]
    [InlineData("object values", "{ personas(where: { and: { and: { and: { and: { and: { and: { and: { and: { and: { and: { and: {} } } } } } } } } } } }) { totalCount } }")]
    [InlineData("a chain of fragments", "{ ...A } fragment A on Query { ...B } fragment B on Query { ...C } fragment C on Query { ...D } fragment D on Query { ...E } "
        + "fragment E on Query { ...F } fragment F on Query { ...G } fragment G on Query { ...H } fragment H on Query { ...I } fragment I on Query { ...J } "
        + "fragment J on Query { ...K } fragment K on Query { __typename }")]
    public async Task Nesting_OverTheLimit_RefusedBeforeValidation(string what, string query)
    {
        Assert.NotEmpty(what);
        await AssertRefusedAsync(query, "MAX_NESTING_DEPTH", "nested");
    }

    [Fact]
    public async Task Nesting_FragmentsWithinTheLimit_Run()
    {
        var result = await server.PostGraphQLAsync("{ ...A } fragment A on Query { ...B } fragment B on Query { ...C } fragment C on Query { __typename }");

        Assert.Equal("Query", result.ShouldHaveNoErrors().String("data.__typename"));
    }

    [Fact]
    public async Task Nodes_OverTheLimit_RefusedBeforeValidation()
    {
        // `[1, 1, ...]`: one node per item, besides the field, its argument and their names.
        var items = string.Join(", ", Enumerable.Repeat("1", SmallLimitsServer.MaxDocumentNodes));

        await AssertRefusedAsync($"{{ nodes(ids: [{items}]) {{ id }} }}", "MAX_DOCUMENT_NODES", "nodes");
    }

    [Fact]
    public async Task MergedFieldPairs_AtTheLimit_Run()
    {
        // One pair of `personas`, one of the `totalCount`s their selections merge into, one of `__typename`: three.
        var result = await server.PostGraphQLAsync("{ personas(first: 1) { totalCount } personas(first: 1) { totalCount } __typename __typename }");

        Assert.Equal(5, result.ShouldHaveNoErrors().Int("data.personas.totalCount"));
    }

    [Theory]
    [InlineData("in one selection set", "{ personas(first: 1) { totalCount } personas(first: 2) { totalCount } personas(first: 3) { totalCount } }")]
    [InlineData("through fragments", "{ ...A ...B ...C } fragment A on Query { __typename } fragment B on Query { __typename } fragment C on Query { __typename __typename }")]
    [InlineData("in the merged selections of equal fields", "{ personas { totalCount } personas { totalCount totalCount } }")]
    public async Task MergedFieldPairs_OverTheLimit_RefusedBeforeValidation(string where, string query)
    {
        Assert.NotEmpty(where);
        await AssertRefusedAsync(query, "MAX_MERGED_FIELD_PAIRS", "pairs of fields");
    }

    [Fact]
    public async Task Complexity_FragmentsThatEachSpreadTwoOthers_RefusedBeforeValidation()
    {
        // Each level doubles the fields: 2^6 = 64 `__typename` against a complexity limit of 50.
        var levels = string.Concat(Enumerable.Range(0, 6).Select(i => $"fragment A{i} on Query {{ ...A{i + 1} ...B{i + 1} }} fragment B{i} on Query {{ ...A{i + 1} ...B{i + 1} }} "));
        var query = "{ ...A0 } " + levels + "fragment A6 on Query { __typename } fragment B6 on Query { __typename }";

        await AssertRefusedAsync(query, "COMPLEXITY", "fragments are expanded");
    }

    [Theory]
    [InlineData(SmallLimitsServer.MaxNodesPerRequest, null)]
    [InlineData(SmallLimitsServer.MaxNodesPerRequest + 1, "TOO_MANY_IDS")]
    public async Task NodesIds_CountAgainstTheLimit_OverItRefusedBeforeAnyLoad(int count, string? code)
    {
        var ids = Enumerable.Repeat(GlobalId.Encode("Persona", BuiltInPersonas.HelpfulAssistantId), count).ToArray();
        server.Sql.Reset();

        var result = await server.PostGraphQLAsync("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", new { ids });

        result.ShouldBeServedOrRefusedBeforeAnyQuery(code, server.Sql);
        if (code is null)
            Assert.Equal(count, result.At("data.nodes")!.AsArray().Count);
    }

    [Theory]
    [InlineData("first", SmallLimitsServer.MaxPageSize, null)]
    [InlineData("first", SmallLimitsServer.MaxPageSize + 1, "INVALID_PAGING_ARGUMENTS")]
    [InlineData("last", SmallLimitsServer.MaxPageSize + 1, "INVALID_PAGING_ARGUMENTS")]
    public async Task PageSize_AgainstTheConfiguredMaximum_OverItRefusedBeforeAnyLoad(string argument, int size, string? code)
    {
        server.Sql.Reset();

        var result = await server.PostGraphQLAsync($"{{ personas({argument}: {size}) {{ nodes {{ name }} }} }}");

        result.ShouldBeServedOrRefusedBeforeAnyQuery(code, server.Sql);
        if (code is null)
            Assert.Equal(size, result.At("data.personas.nodes")!.AsArray().Count);
    }

    private async Task AssertRefusedAsync(string query, string code, string messagePart, object? variables = null)
    {
        server.Sql.Reset();

        var result = await server.PostGraphQLAsync(query, variables);

        Assert.Equal([code], result.ErrorCodes());
        Assert.Contains(messagePart, result.String("errors[0].message"), StringComparison.OrdinalIgnoreCase);
        Assert.False(result.ContainsKey("data"), "A refused operation has no `data`: " + result.ToJsonString());
        Assert.Equal(0, server.Sql.Count);
        // Refused, not stuck: the next operation is served.
        Assert.Equal("Query", (await server.PostGraphQLAsync("{ __typename }")).ShouldHaveNoErrors().String("data.__typename"));
    }

    /// <summary><paramref name="query"/> padded with spaces to <paramref name="length"/> characters.</summary>
    private static string Padded(string query, int length) => query + new string(' ', length - query.Length);
}

/// <summary>
/// Documents far over the default length, whose other limits still hold: a chain of fragments long enough to
/// overflow the stack of the engine's validation is refused, and the process lives on.
/// </summary>
public sealed class LongDocumentLimitsTests(LongDocumentLimitsTests.LongDocumentsServer server) : IClassFixture<LongDocumentLimitsTests.LongDocumentsServer>
{
    public sealed class LongDocumentsServer : ConfiguredSqliteServer
    {
        public LongDocumentsServer()
        {
            Set("GraphQL:MaxDocumentLength", "1000000");
            Set("Transport:MaxRequestBodySize", "2000000");
        }
    }

    [Fact]
    public async Task ChainOfFiveThousandFragments_RefusedAsTooDeep()
    {
        var chain = string.Concat(Enumerable.Range(0, 5_000).Select(i => $"fragment F{i} on Query {{ ...F{i + 1} }} "));

        var result = await server.PostGraphQLAsync("{ ...F0 } " + chain + "fragment F5000 on Query { __typename }");

        Assert.Equal(["MAX_NESTING_DEPTH"], result.ErrorCodes());
        Assert.Equal("Query", (await server.PostGraphQLAsync("{ __typename }")).ShouldHaveNoErrors().String("data.__typename"));
    }
}

/// <summary>The operation timeout, against a database made slow on demand.</summary>
public sealed class OperationTimeoutLimitsTests(OperationTimeoutLimitsTests.SlowDatabaseServer server) : IClassFixture<OperationTimeoutLimitsTests.SlowDatabaseServer>, IDisposable
{
    // Far above what a warm query takes on a loaded CI machine, far below the database's delay.
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(1);

    // A streaming server, so the timeout is seen on every transport.
    public sealed class SlowDatabaseServer : StreamingServer
    {
        public SlowDatabaseServer() => Set("GraphQL:OperationTimeout", OperationTimeout.ToString("c", CultureInfo.InvariantCulture));

        public DelayingCommandInterceptor Database { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IInterceptor>(Database);
    }

    public void Dispose() => server.Database.Delay = TimeSpan.Zero;

    [Theory]
    [InlineData("application/graphql-response+json", HttpStatusCode.GatewayTimeout)]
    [InlineData("application/json", HttpStatusCode.OK)]
    public async Task Operation_SlowerThanTheTimeout_StoppedWithTimeoutErrorAndNoData(string accept, HttpStatusCode status)
    {
        server.Database.Delay = TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();

        using var response = await server.PostGraphQLRawAsync("{ personas(first: 2) { nodes { name } } }", accept: accept);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The answer took {clock.Elapsed}, the timeout is {OperationTimeout}");
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var result = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(["TIMEOUT"], result.ErrorCodes());
        Assert.False(result.ContainsKey("data"), "A stopped operation has no `data`: " + text);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Operation_SlowerThanTheTimeout_StoppedWithTimeoutErrorOnEveryTransport(string transport)
    {
        server.Database.Delay = TimeSpan.FromSeconds(30);

        var result = await server.ExecuteAsync(transport, "{ personas(first: 2) { nodes { name } } }");

        Assert.Equal(["TIMEOUT"], result.ErrorCodes());
        Assert.False(result.ContainsKey("data"), "A stopped operation has no `data`: " + result.ToJsonString());
    }

    [Fact]
    public async Task Operation_SlowerThanTheTimeout_CancelsItsDatabaseCommandAndLeavesTheServerServing()
    {
        server.Database.Delay = TimeSpan.FromSeconds(30);
        var cancelledBefore = server.Database.Cancelled;

        var stopped = await server.PostGraphQLAsync("{ personas(first: 2) { nodes { name } } }");

        Assert.Equal(["TIMEOUT"], stopped.ErrorCodes());
        Assert.True(server.Database.Cancelled > cancelledBefore, "The slow command was not cancelled");
        server.Database.Delay = TimeSpan.Zero;
        var next = await server.PostGraphQLAsync("{ personas(first: 2) { nodes { name } } }");
        Assert.Equal(2, next.ShouldHaveNoErrors().At("data.personas.nodes")!.AsArray().Count);
    }

    /// <summary>Holds every command for <see cref="Delay"/> (none by default), giving up when the command is cancelled.</summary>
    public sealed class DelayingCommandInterceptor : DbCommandInterceptor
    {
        private long _delayTicks;
        private int _cancelled;

        public TimeSpan Delay
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
            set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
        }

        public int Cancelled => Volatile.Read(ref _cancelled);

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            return result;
        }

        public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            return result;
        }

        private async Task WaitAsync(CancellationToken cancellationToken)
        {
            if (Delay <= TimeSpan.Zero)
                return;
            try
            {
                await Task.Delay(Delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _cancelled);
                throw;
            }
        }
    }
}
