using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQL.Types;
using GraphQLParser.AST;

namespace LlmPlatform.Graph.Schema;

/// <summary>
/// The `JSON` scalar: any JSON value, written inline as a GraphQL value (`{ plan: "pro", seats: 3 }`) or passed in a
/// variable. Values come in as <see cref="JsonNode"/> (null for JSON null); what a field returns is written as JSON.
/// Limits on size or shape are the field's to check: the scalar only converts.
/// </summary>
public sealed class JsonGraphType : ScalarGraphType
{
    public JsonGraphType()
    {
        Name = "JSON";
        Description = "Any JSON value: an object, an array, a string, a number, a boolean or null.";
    }

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLObjectValue o => ToObject(o),
        GraphQLListValue l => new JsonArray((l.Values ?? []).Select(ParseLiteral).Cast<JsonNode?>().ToArray()),
        GraphQLStringValue s => JsonValue.Create(s.Value.ToString()),
        GraphQLIntValue i => Number(i.Value.Span),
        GraphQLFloatValue f => JsonValue.Create(double.Parse(f.Value.Span, CultureInfo.InvariantCulture)),
        GraphQLBooleanValue b => JsonValue.Create(b.BoolValue),
        GraphQLNullValue => null,
        _ => ThrowLiteralConversionError(value),
    };

    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        JsonNode node => node,
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        IDictionary<string, object?> map => new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)ParseValue(p.Value)))),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int n => JsonValue.Create(n),
        long n => JsonValue.Create(n),
        decimal n => JsonValue.Create(n),
        double n => JsonValue.Create(n),
        BigInteger n => JsonValue.Create((decimal)n),
        System.Collections.IEnumerable list => new JsonArray(list.Cast<object?>().Select(v => (JsonNode?)ParseValue(v)).ToArray()),
        _ => ThrowValueConversionError(value),
    };

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        JsonNode node => node,
        JsonElement element => element,
        _ => ThrowSerializationError(value),
    };

    public override GraphQLValue ToAST(object? value) => value switch
    {
        null => new GraphQLNullValue(),
        _ => new GraphQLStringValue(((JsonNode)value).ToJsonString()),
    };

    private JsonObject ToObject(GraphQLObjectValue value)
    {
        var result = new JsonObject();
        foreach (var field in value.Fields ?? [])
            result[field.Name.StringValue] = (JsonNode?)ParseLiteral(field.Value);
        return result;
    }

    private static JsonValue Number(ReadOnlySpan<char> digits) =>
        long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
            ? JsonValue.Create(whole)
            : JsonValue.Create(decimal.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
}
