using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Snapshooter.Xunit;

namespace LlmPlatform.Graph.Tests.Schema;

public sealed class SchemaTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    /// <summary>Set to 1 to rewrite schema.graphql (and the snapshot) from the code: see README.</summary>
    private const string UpdateVariable = "UPDATE_SCHEMA";

    private ISchema Schema => server.Services.GetRequiredService<ISchema>();

    [Fact]
    public void Schema_PrintedFromCode_MatchesCommittedSchemaFile()
    {
        var printed = Schema.Print(new PrintOptions { IncludeDescriptions = true, IncludeDeprecationReasons = true }).ReplaceLineEndings("\n").Trim() + "\n";
        var file = Path.Combine(RepositoryRoot(), "schema.graphql");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(file, printed);
            // Snapshooter writes a missing snapshot afresh.
            File.Delete(Path.Combine(RepositoryRoot(), "tests", "Graph", "Schema", "__snapshots__",
                $"{nameof(SchemaTests)}.{nameof(Schema_PrintedFromCode_MatchesCommittedSchemaFile)}.snap"));
        }

        Assert.True(File.Exists(file), "schema.graphql is missing; run: UPDATE_SCHEMA=1 dotnet test tests/Graph --filter SchemaTests");
        var committed = File.ReadAllText(file).ReplaceLineEndings("\n");
        Assert.True(committed == printed,
            "schema.graphql differs from the schema built from code; run: UPDATE_SCHEMA=1 dotnet test tests/Graph --filter SchemaTests, then review the diff.");
        printed.MatchSnapshot();
    }

    [Fact]
    public void Schema_EveryTypeFieldArgumentAndEnumValue_HasADescription()
    {
        var missing = new List<string>();
        foreach (var type in Schema.AllTypes.Where(t => !t.Name.StartsWith("__", StringComparison.Ordinal) && !IsBuiltInScalar(t)))
        {
            if (string.IsNullOrWhiteSpace(type.Description))
                missing.Add(type.Name);
            if (type is IComplexGraphType complex)
            {
                foreach (var field in complex.Fields)
                {
                    if (string.IsNullOrWhiteSpace(field.Description))
                        missing.Add($"{type.Name}.{field.Name}");
                    foreach (var argument in field.Arguments ?? [])
                    {
                        if (string.IsNullOrWhiteSpace(argument.Description))
                            missing.Add($"{type.Name}.{field.Name}({argument.Name})");
                    }
                }
            }
            if (type is EnumerationGraphType enumeration)
            {
                missing.AddRange(enumeration.Values.Where(v => string.IsNullOrWhiteSpace(v.Description)).Select(v => $"{type.Name}.{v.Name}"));
            }
        }
        Assert.True(missing.Count == 0, "Missing descriptions: " + string.Join(", ", missing));
    }

    private static bool IsBuiltInScalar(IGraphType type) =>
        type is ScalarGraphType && type.Name is "String" or "Int" or "Float" or "Boolean" or "ID" or "DateTime";

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmPlatform.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("LlmPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
