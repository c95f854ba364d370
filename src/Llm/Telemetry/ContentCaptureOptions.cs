using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Telemetry;

/// <summary>
/// Whether a generation's span carries its prompt messages and its reply (section <c>Telemetry</c>, beside the host's
/// own telemetry settings). Off by default: prompts are the users' data, and traces go to whoever runs the collector.
/// </summary>
public sealed class ContentCaptureOptions
{
    public const string Section = "Telemetry";

    /// <summary>On: the span carries <c>gen_ai.input.messages</c> and <c>gen_ai.output.messages</c>. Never keys.</summary>
    public bool CaptureContent { get; set; }

    /// <summary>The most characters of message text captured per attribute (input, output); the rest is cut off.</summary>
    [Range(1, 1_048_576)]
    public int MaxCapturedContentLength { get; set; } = 8192;
}
