using GraphQL.Types;
using LlmPlatform.Data.Entities;

namespace LlmPlatform.Graph.Generation;

public sealed class ResponseFormatTypeGraphType : EnumerationGraphType<ResponseFormatKind>
{
    public ResponseFormatTypeGraphType()
    {
        Name = "ResponseFormatType";
        Description = "The shape a reply is asked to have.";
        Values.FindByName("TEXT")!.Description = "Plain text, as the model writes it.";
        Values.FindByName("JSON_OBJECT")!.Description = "A JSON object, of any shape.";
        Values.FindByName("JSON_SCHEMA")!.Description = "JSON that follows the schema given in `jsonSchema`.";
    }
}

public sealed record ResponseFormatInput(ResponseFormatKind Type, JsonSchemaFormatInput? JsonSchema = null);

public sealed class ResponseFormatInputGraphType : InputObjectGraphType<ResponseFormatInput>
{
    public ResponseFormatInputGraphType()
    {
        Name = "ResponseFormatInput";
        Description = "The shape the reply must have. A provider or model that cannot hold to it refuses the request with RESPONSE_FORMAT_UNSUPPORTED before anything is sent: the OpenAI kinds take every type, echo and ollama take TEXT only, and a model's `Llm:Providers:<name>:Models:<model>:ResponseFormats` may allow fewer.";
        Field<NonNullGraphType<ResponseFormatTypeGraphType>>("type").Description("Text, any JSON object, or JSON that follows a schema.");
        Field<JsonSchemaFormatInputGraphType>("jsonSchema").Description("The schema, with JSON_SCHEMA only (then required).");
    }
}

public sealed record JsonSchemaFormatInput(string Name, string Schema, bool? Strict = null);

public sealed class JsonSchemaFormatInputGraphType : InputObjectGraphType<JsonSchemaFormatInput>
{
    public JsonSchemaFormatInputGraphType()
    {
        Name = "JsonSchemaFormatInput";
        Description = "A JSON schema the reply must follow, sent to the provider as OpenAI's `response_format.json_schema`.";
        Field(i => i.Name).Description("The schema's name: 1 to 64 letters, digits, '_' or '-'.");
        Field(i => i.Schema).Description("The JSON schema, as JSON text; it must be a JSON object, at most `Llm:Generation:MaxResponseSchemaLength` characters (16384 unless configured). INVALID_RESPONSE_FORMAT otherwise.");
        Field(i => i.Strict, nullable: true).Description("Ask the provider to hold to the schema exactly (OpenAI's `strict`); false when not given.");
    }
}
