using LlmPlatform.Llm.Caching;

namespace LlmPlatform.Llm.Tests.Caching;

public sealed class CachedReplyChatServiceTests
{
    [Theory]
    [InlineData("Hello, wide world!")]
    [InlineData("  leading and trailing  ")]
    [InlineData("line one\nline two\n\n- item")]
    [InlineData("one")]
    [InlineData("")]
    public void Pieces_JoinToExactlyTheText_NoneEmpty(string text)
    {
        var pieces = CachedReplyChatService.Pieces(text).ToList();

        Assert.Equal(text, string.Concat(pieces));
        Assert.DoesNotContain("", pieces);
    }
}
