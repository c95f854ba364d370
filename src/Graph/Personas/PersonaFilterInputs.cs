using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema.Filtering;

namespace LlmPlatform.Graph.Personas;

public sealed class PersonaFilterInputGraphType : FilterInputGraphType<Persona>
{
    public PersonaFilterInputGraphType() : base("PersonaFilterInput", "personas")
    {
        Filter("name", p => p.Name, "The persona's name.");
        Filter("description", p => p.Description, "The persona's description.");
        Filter("defaultProvider", p => p.DefaultProvider, "The persona's default provider.");
        Filter("defaultModel", p => p.DefaultModel, "The persona's default model.");
        Filter("temperature", p => p.Temperature, "The persona's temperature.");
        Filter("isBuiltIn", p => p.IsBuiltIn, "Whether the persona is built in.");
        Filter("createdAt", p => p.CreatedAt, "When the persona was created.");
        Filter("updatedAt", p => p.UpdatedAt, "When the persona was last changed.");
    }
}

public sealed class PersonaSortInputGraphType : SortInputGraphType<Persona>
{
    public PersonaSortInputGraphType() : base("PersonaSortInput", "personas")
    {
        Sort("name", p => p.Name, "By name.");
        Sort("temperature", p => p.Temperature, "By temperature.");
        Sort("isBuiltIn", p => p.IsBuiltIn, "Built-in personas last when ascending.");
        Sort("createdAt", p => p.CreatedAt, "By creation time.");
        Sort("updatedAt", p => p.UpdatedAt, "By time of last change.");
    }
}
