namespace LlmPlatform.Llm.Providers.Balancing;

/// <summary>One deployment of a provider: its name, and the provider as called through it (its endpoint and key).</summary>
public sealed record ProviderDeployment(string Name, ChatProvider Calls);
