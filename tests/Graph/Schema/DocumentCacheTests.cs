using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using GraphQL;
using GraphQL.DI;
using GraphQL.Execution;
using GraphQL.Validation;
using GraphQLParser.AST;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Tests.Schema;

/// <summary>
/// A document that parsed and validated once is neither parsed nor validated again, while the rules that depend
/// on the request (the HTTP method, the variables) still run every time. Parses are counted at the engine's
/// document builder, full validations by a rule that runs with the core rules; both by document text.
/// </summary>
public sealed class DocumentCacheTests(DocumentCacheTests.CountingServer server) : IClassFixture<DocumentCacheTests.CountingServer>
{
    public sealed class CountingServer : ConfiguredSqliteServer
    {
        public const int MaxComplexity = 50;

        public CountingServer() => Set("GraphQL:MaxComplexity", MaxComplexity.ToString(CultureInfo.InvariantCulture));

        public ConcurrentDictionary<string, int> Parses { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, int> Validations { get; } = new(StringComparer.Ordinal);

        public int ParsesOf(string document) => Parses.GetValueOrDefault(document);

        public int ValidationsOf(string document) => Validations.GetValueOrDefault(document);

        protected override void ConfigureServices(IServiceCollection services)
        {
            var real = services.Last(d => d.ServiceType == typeof(IDocumentBuilder));
            services.Remove(real);
            services.AddSingleton<IDocumentBuilder>(sp => new CountingDocumentBuilder((IDocumentBuilder)(real.ImplementationInstance
                ?? real.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, real.ImplementationType!)), Parses));
            services.AddSingleton<IConfigureExecution>(new CountValidations(Validations));
        }
    }

    [Fact]
    public async Task SameDocumentTwice_IsParsedAndValidatedOnce()
    {
        const string Document = "query SameDocumentTwice { personas(first: 1) { nodes { name } } }";

        var first = await server.PostGraphQLAsync(Document);
        var second = await server.PostGraphQLAsync(Document);

        Assert.Equal(1, server.ParsesOf(Document));
        Assert.Equal(1, server.ValidationsOf(Document));
        Assert.Equal(first.ShouldHaveNoErrors().ToJsonString(), second.ShouldHaveNoErrors().ToJsonString());
    }

    [Fact]
    public async Task TwoDifferentDocuments_AreParsedAndValidatedOnceEach()
    {
        const string One = "query DifferentOne { __typename }";
        const string Two = "query DifferentTwo { __typename }";

        (await server.PostGraphQLAsync(One)).ShouldHaveNoErrors();
        (await server.PostGraphQLAsync(Two)).ShouldHaveNoErrors();
        (await server.PostGraphQLAsync(One)).ShouldHaveNoErrors();

        Assert.Equal(1, server.ParsesOf(One));
        Assert.Equal(1, server.ParsesOf(Two));
        Assert.Equal(1, server.ValidationsOf(One));
        Assert.Equal(1, server.ValidationsOf(Two));
    }

    [Fact]
    public async Task DocumentThatFailedValidation_IsParsedAndValidatedAgainEveryTime()
    {
        const string Invalid = "query FailsValidation { noSuchField }";

        var first = await server.PostGraphQLAsync(Invalid);
        var second = await server.PostGraphQLAsync(Invalid);

        Assert.Equal(2, server.ParsesOf(Invalid));
        Assert.Equal(2, server.ValidationsOf(Invalid));
        Assert.Equal(["FIELDS_ON_CORRECT_TYPE"], first.ErrorCodes());
        Assert.Equal(["FIELDS_ON_CORRECT_TYPE"], second.ErrorCodes());
    }

    [Fact]
    public async Task CachedMutation_SentByGet_Returns405AndChangesNothing()
    {
        const string Mutation = """mutation CachedThenGet { createPersona(input: { name: "Cached", systemPrompt: "Once." }) { persona { id } } }""";
        (await server.PostGraphQLAsync(Mutation)).ShouldHaveNoErrors();
        var count = await server.CountAsync<Persona>();

        using var response = await server.SendGraphQLAsync(HttpMethod.Get,
            GraphQLHttp.QueryString(("query", Mutation)), accept: GraphQLHttp.GraphQLResponse);

        await response.ReadGraphQLAsync(HttpStatusCode.MethodNotAllowed, GraphQLHttp.GraphQLResponse);
        Assert.Equal(count, await server.CountAsync<Persona>());
        Assert.Equal(1, server.ParsesOf(Mutation));
    }

    [Fact]
    public async Task CachedDocument_LargerPageSizeVariable_StillRefusedByComplexity()
    {
        const string Page = "query CachedPage($n: Int!) { personas(first: $n) { nodes { name } } }";
        (await server.PostGraphQLAsync(Page, new { n = 2 })).ShouldHaveNoErrors();

        var tooComplex = await server.PostGraphQLAsync(Page, new { n = 100 });

        Assert.Equal(["COMPLEXITY"], tooComplex.ErrorCodes());
        Assert.False(tooComplex.ContainsKey("data"));
        Assert.Equal(1, server.ParsesOf(Page));
        Assert.Equal(1, server.ValidationsOf(Page));
    }

    [Fact]
    public async Task CachedDocument_VariableOfTheWrongType_StillRefused()
    {
        const string Page = "query CachedWrongType($n: Int!) { personas(first: $n) { nodes { name } } }";
        (await server.PostGraphQLAsync(Page, new { n = 2 })).ShouldHaveNoErrors();

        var wrong = await server.PostGraphQLAsync(Page, new { n = "two" });

        Assert.Equal(["INVALID_VALUE"], wrong.ErrorCodes());
        Assert.Equal(1, server.ParsesOf(Page));
    }

    /// <summary>Adds a counting rule to the full validation, the one a cached document skips.</summary>
    private sealed class CountValidations(ConcurrentDictionary<string, int> validations) : IConfigureExecution
    {
        // After the engine's option configurations (100), which set the full rule list; before the cache (200).
        public float SortOrder => 150;

        public Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
        {
            options.ValidationRules = (options.ValidationRules ?? DocumentValidator.CoreRules).Append(new CountingRule(validations));
            return next(options);
        }
    }

    private sealed class CountingRule(ConcurrentDictionary<string, int> validations) : ValidationRuleBase
    {
        public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
        {
            validations.AddOrUpdate(context.Document.Source.ToString(), 1, (_, count) => count + 1);
            return default;
        }
    }

    private sealed class CountingDocumentBuilder(IDocumentBuilder inner, ConcurrentDictionary<string, int> parses) : IDocumentBuilder
    {
        public GraphQLDocument Build(string body)
        {
            parses.AddOrUpdate(body, 1, (_, count) => count + 1);
            return inner.Build(body);
        }
    }
}
