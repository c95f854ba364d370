using System.ComponentModel.DataAnnotations;
using LlmPlatform.Data.Entities;

namespace LlmPlatform.Graph.Personas;

/// <summary>What personas may hold, where a deployment wants less than the database allows. Section <c>Personas</c>.</summary>
public sealed class PersonaOptions
{
    public const string Section = "Personas";

    /// <summary>Longest system prompt, in characters; at most what its column holds.</summary>
    [Range(1, Persona.SystemPromptMaxLength)]
    public int MaxSystemPromptLength { get; set; } = Persona.SystemPromptMaxLength;
}
