using System.Text.Json.Nodes;

namespace LlmPlatform.Graph.Tests.Infrastructure;

public static class JsonAssertions
{
    /// <summary>The value at a dotted path such as "data.personas.nodes[0].name"; fails the test when absent.</summary>
    public static JsonNode? At(this JsonNode root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        JsonNode? node = root;
        foreach (var part in path.Split('.'))
        {
            var name = part;
            var index = -1;
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                name = part[..bracket];
                index = int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            }
            if (name.Length > 0)
            {
                Assert.True(node is JsonObject obj && obj.ContainsKey(name), $"No `{name}` in {node?.ToJsonString()} (path {path})");
                node = node![name];
            }
            if (index >= 0)
                node = node!.AsArray()[index];
        }
        return node;
    }

    public static string? String(this JsonNode root, string path) => root.At(path)?.GetValue<string>();

    public static int Int(this JsonNode root, string path) => root.At(path)!.GetValue<int>();

    /// <summary>Fails with the whole response when it carries top-level errors.</summary>
    public static JsonObject ShouldHaveNoErrors(this JsonObject response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.False(response.ContainsKey("errors"), "Unexpected errors: " + response.ToJsonString());
        return response;
    }

    /// <summary>
    /// With no <paramref name="code"/>, a response without errors; else one refused at execution before it reached
    /// the database: that one error, `data` null, and no SQL statement among those the server counted since reset.
    /// </summary>
    public static void ShouldBeServedOrRefusedBeforeAnyQuery(this JsonObject response, string? code, SqlStatementCounter sql)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(sql);
        if (code is null)
        {
            response.ShouldHaveNoErrors();
            return;
        }
        Assert.Equal([code], response.ErrorCodes());
        Assert.Null(response["data"]);
        Assert.Equal(0, sql.Count);
    }

    /// <summary>The codes of the top-level errors.</summary>
    public static IReadOnlyList<string?> ErrorCodes(this JsonObject response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response["errors"] is JsonArray errors
            ? errors.Select(e => e?["extensions"]?["code"]?.GetValue<string>()).ToList()
            : [];
    }
}
