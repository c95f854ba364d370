namespace LlmPlatform.Bench.Cli;

/// <summary>The command line is wrong; the message says how, and the usage is printed after it.</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
