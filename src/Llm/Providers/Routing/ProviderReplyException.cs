namespace LlmPlatform.Llm.Providers.Routing;

/// <summary>
/// The provider's reply stream ended without failing at the HTTP level, yet is not a whole reply: it said it failed
/// (an in-band error) or it stopped without saying it finished. <see cref="Code"/> is the generation error code.
/// </summary>
public sealed class ProviderReplyException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
