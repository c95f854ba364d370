using LlmPlatform.Data.Entities;

namespace LlmPlatform.Data.Seeding;

/// <summary>Personas every installation starts with. They belong to nobody and cannot be changed through the API.</summary>
public static class BuiltInPersonas
{
    public static readonly Guid HelpfulAssistantId = new("5e3a0c1e-0000-4000-8000-000000000001");
    public static readonly Guid CodeReviewerId = new("5e3a0c1e-0000-4000-8000-000000000002");
    public static readonly Guid TranslatorId = new("5e3a0c1e-0000-4000-8000-000000000003");
    public static readonly Guid TutorId = new("5e3a0c1e-0000-4000-8000-000000000004");
    public static readonly Guid SummarizerId = new("5e3a0c1e-0000-4000-8000-000000000005");

    private static readonly DateTime Seeded = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    internal static Persona[] All =>
    [
        Create(HelpfulAssistantId, "Helpful assistant", "A friendly generalist for everyday questions.",
            "You are a helpful, honest assistant. Answer clearly and concisely.", 0.7),
        Create(CodeReviewerId, "Code reviewer", "Reviews code for bugs, readability and security.",
            "You are a meticulous senior engineer. Review the code you are given: point out bugs, security issues and unclear names, and suggest concrete fixes.", 0.2),
        Create(TranslatorId, "Translator", "Translates text while keeping tone and meaning.",
            "You are a professional translator. Translate the user's text into the language they ask for, keeping tone, meaning and formatting.", 0.3),
        Create(TutorId, "Patient tutor", "Explains concepts step by step.",
            "You are a patient tutor. Explain step by step, check understanding, and never just give the final answer to an exercise.", 0.6),
        Create(SummarizerId, "Summarizer", "Condenses long text into key points.",
            "You summarize the user's text into short bullet points that keep every fact that matters.", 0.3),
    ];

    private static Persona Create(Guid id, string name, string description, string systemPrompt, double temperature) => new()
    {
        Id = id,
        Name = name,
        Description = description,
        SystemPrompt = systemPrompt,
        // No target of their own: they follow Llm:DefaultProvider (and its default model), so configuring a provider
        // moves them there without editing them.
        DefaultProvider = null,
        DefaultModel = null,
        Temperature = temperature,
        IsBuiltIn = true,
        OwnerId = null,
        CreatedAt = Seeded,
        UpdatedAt = Seeded,
    };
}
