namespace LlmPlatform.Graph.Chat;

/// <summary>The streaming chat page at <c>/chat</c>. Section <c>Chat</c>.</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>Serves the chat page. On by default only in Development.</summary>
    public bool Enabled { get; set; }

    public void ApplyDefaultsOf(IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Enabled = environment.IsDevelopment();
    }
}
