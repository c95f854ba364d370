using Microsoft.ML.Tokenizers;

namespace LlmPlatform.Llm.Chat;

/// <summary>
/// Counts tokens when a provider reports none, and sizes history to a context window. Uses the o200k_base
/// encoding (current OpenAI models); for other models it is an estimate, and usage says so.
/// </summary>
public sealed class TokenCounter
{
    // Building the tokenizer reads its vocabulary: once per process.
    private static readonly Lazy<Tokenizer> Encoding = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    /// <summary>Tokens each chat message costs besides its text (role and separators), as OpenAI counts them.</summary>
    public const int PerMessageOverhead = 4;

    public int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : Encoding.Value.CountTokens(text);
}
