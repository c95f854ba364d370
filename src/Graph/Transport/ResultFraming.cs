using GraphQL;

namespace LlmPlatform.Graph.Transport;

/// <summary>How a streaming HTTP transport (SSE, multipart) writes the results of one operation as bytes.</summary>
internal interface IResultFraming
{
    byte[] Next(ExecutionResult result);

    /// <summary>The operation was refused before it ran: its errors, and its end.</summary>
    byte[] Refused(IReadOnlyList<ExecutionError> errors);

    /// <summary>The operation's source failed (or its token expired): the error, and its end.</summary>
    byte[] Failed(ExecutionError error);

    byte[] Completed();
}

/// <summary>
/// Frames an operation's results and hands them to <paramref name="send"/>; calls <paramref name="ended"/> after the
/// operation's last message, however it ended.
/// </summary>
internal sealed class FramedSink(IResultFraming framing, Func<byte[], bool> send, Action ended) : IOperationSink
{
    public void Refused(IReadOnlyList<ExecutionError> errors)
    {
        send(framing.Refused(errors));
        ended();
    }

    public void Next(ExecutionResult result) => send(framing.Next(result));

    public void Failed(ExecutionError error)
    {
        send(framing.Failed(error));
        ended();
    }

    public void Completed()
    {
        send(framing.Completed());
        ended();
    }
}
