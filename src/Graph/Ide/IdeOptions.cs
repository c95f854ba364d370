namespace LlmPlatform.Graph.Ide;

/// <summary>The Banana Cake Pop explorer that browsers get at <c>GET /graphql</c>. Section <c>Ide</c>.</summary>
public sealed class IdeOptions
{
    public const string Section = "Ide";

    /// <summary>Serves the explorer. On by default only in Development.</summary>
    public bool Enabled { get; set; }

    /// <summary>The explorer's window title.</summary>
    public string Title { get; set; } = "LlmPlatform";

    public void ApplyDefaultsOf(IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Enabled = environment.IsDevelopment();
    }
}
