namespace LlmPlatform.Llm.Usage;

/// <summary>What usage can be grouped by. Time buckets start at the local midnight (or hour) of the query's zone.</summary>
public enum UsageDimension
{
    Hour,
    Day,

    /// <summary>ISO weeks: Monday to Sunday.</summary>
    Week,
    Provider,
    Model,
    Persona,
    User,

    /// <summary>Not offered to clients as a grouping: it serves <c>Conversation.usage</c>'s batch.</summary>
    Conversation,
}
