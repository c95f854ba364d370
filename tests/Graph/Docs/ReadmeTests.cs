using System.Text.RegularExpressions;
using GraphQL;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Tests.Docs;

/// <summary>
/// The README's examples against the server built from code: every GraphQL block parses and validates, and the
/// JavaScript snippet, run as written with node, streams a reply. A renamed field or a changed client fails here.
/// </summary>
public sealed partial class ReadmeTests(ReadmeTests.ShortRepliesServer server) : IClassFixture<ReadmeTests.ShortRepliesServer>
{
    public sealed class ShortRepliesServer : StreamingServer
    {
        public const int Tokens = 8;

        public ShortRepliesServer() => Set("Llm:Providers:echo:EchoReplyTokens", Tokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));

    public static TheoryData<string> GraphQLOperations()
    {
        var operations = new TheoryData<string>();
        foreach (var block in Blocks("graphql"))
        {
            // A block may show several operations one after another; each is checked on its own.
            var document = GraphQLParser.Parser.Parse(block);
            foreach (var operation in document.Definitions.OfType<GraphQLOperationDefinition>())
                operations.Add(block[operation.Location.Start..operation.Location.End]);
        }
        return operations;
    }

    [Fact]
    public void Readme_HasGraphQLExamples()
    {
        // Guards the extraction itself: a README whose blocks were not found would pass every check vacuously.
        Assert.True(GraphQLOperations().Count >= 10, "Found only " + GraphQLOperations().Count + " GraphQL operations in README.md");
    }

    [Theory]
    [MemberData(nameof(GraphQLOperations))]
    public async Task Readme_GraphQLExample_ValidatesAgainstTheSchema(string operation)
    {
        var schema = server.Services.GetRequiredService<ISchema>();
        var document = GraphQLParser.Parser.Parse(operation);
        var definition = document.Definitions.OfType<GraphQLOperationDefinition>().Single();

        schema.Initialize();
        var result = await new DocumentValidator().ValidateAsync(new ValidationOptions
        {
            Schema = schema,
            Document = document,
            Operation = definition,
            Rules = DocumentValidator.CoreRules,
            Variables = Inputs.Empty,
            Extensions = Inputs.Empty,
            RequestServices = server.Services,
            User = new System.Security.Claims.ClaimsPrincipal(),
        });

        // Values of variables are the reader's to give (an API key): a missing one is not the example's fault.
        var errors = result.Errors.Where(e => e is not InvalidVariableError).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 0, $"The README example does not validate:\n{operation}\n" + string.Join("\n", errors));
    }

    [Fact]
    public async Task Readme_JavaScriptSnippet_RunsOnNodeAndPrintsTheStreamedReply()
    {
        var snippet = Assert.Single(Blocks("js"));
        Assert.Contains("ws://localhost:5000/graphql", snippet, StringComparison.Ordinal);
        // Inside tests/js, so that its imports resolve to the packages installed there.
        var script = Path.Combine(NodeScript.Directory, $"readme-snippet-{Guid.NewGuid():N}.mjs");
        await File.WriteAllTextAsync(script, snippet.Replace("ws://localhost:5000/graphql", server.WebSocketEndpoint.ToString(), StringComparison.Ordinal));
        try
        {
            var output = await NodeScript.RunAsync(Path.GetFileName(script), [], "graphql-ws", TimeSpan.FromSeconds(60));

            Assert.Equal(StreamingServer.FullReply("hi", ShortRepliesServer.Tokens), output);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static IEnumerable<string> Blocks(string language) =>
        FencedBlock().Matches(Readme).Where(m => m.Groups["language"].Value == language).Select(m => m.Groups["code"].Value);

    [GeneratedRegex(@"^```(?<language>\w+)\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
