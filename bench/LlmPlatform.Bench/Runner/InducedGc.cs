using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace LlmPlatform.Bench.Runner;

/// <summary>
/// Makes another .NET process run a full, blocking garbage collection, from outside and without any endpoint or
/// package: through the runtime's diagnostic port (a Unix socket every .NET process opens), start an EventPipe session
/// that enables the runtime provider's <c>GCHeapCollect</c> keyword, which the runtime answers by inducing a full GC
/// (what <c>dotnet-gcdump</c> and PerfView's "Force GC" use), then stop the session. No events are kept.
/// Protocol: dotnet/diagnostics documentation/design-docs/ipc-protocol.md (CollectTracing2 0x0203, StopTracing 0x0201).
/// </summary>
public static class InducedGc
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const ulong GcHeapCollectKeyword = 0x800000;
    private const uint InformationalLevel = 4;
    private const int HeaderSize = 20;

    /// <summary>True when the collection was requested and the session stopped; false where there is no diagnostic port.</summary>
    public static async Task<bool> CollectAsync(int processId, CancellationToken cancellationToken)
    {
        var port = PortPath(processId);
        if (port is null)
            return false;

        using var session = await ConnectAsync(port, cancellationToken);
        var payload = new List<byte>();
        AppendUInt32(payload, 16);           // circularBufferMB
        AppendUInt32(payload, 1);            // format: nettrace
        payload.Add(0);                      // requestRundown: no (it would enumerate every loaded method)
        AppendUInt32(payload, 1);            // one provider
        AppendUInt64(payload, GcHeapCollectKeyword);
        AppendUInt32(payload, InformationalLevel);
        AppendString(payload, RuntimeProvider);
        AppendUInt32(payload, 0);            // no filter data
        await SendAsync(session, 0x02, 0x03, [.. payload], cancellationToken);
        var response = await ReceiveAsync(session, cancellationToken);
        if (response.Length < 8)
            throw new InvalidOperationException("The diagnostic port refused the EventPipe session.");
        var sessionId = BinaryPrimitives.ReadUInt64LittleEndian(response);

        // The runtime now streams the session's (nearly empty) trace on this socket: drain it until it closes.
        var drain = DrainAsync(session);
        // The GC runs synchronously in the provider's enable callback, before the response above; give it a moment anyway.
        await Task.Delay(200, cancellationToken);
        using (var stop = await ConnectAsync(port, cancellationToken))
        {
            var id = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(id, sessionId);
            await SendAsync(stop, 0x02, 0x01, id, cancellationToken);
            await ReceiveAsync(stop, cancellationToken);
        }
        await drain.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        return true;
    }

    /// <summary><c>$TMPDIR/dotnet-diagnostic-{pid}-{start time}-socket</c>; null when the process has none.</summary>
    private static string? PortPath(int processId)
    {
        var directory = Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } tmp ? tmp : "/tmp";
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, $"dotnet-diagnostic-{processId}-*-socket").FirstOrDefault()
            : null;
    }

    private static async Task<Socket> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task SendAsync(Socket socket, byte commandSet, byte commandId, byte[] payload, CancellationToken cancellationToken)
    {
        var message = new byte[HeaderSize + payload.Length];
        Encoding.ASCII.GetBytes("DOTNET_IPC_V1\0", message.AsSpan(0, 14));
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(14), checked((ushort)message.Length));
        message[16] = commandSet;
        message[17] = commandId;
        payload.CopyTo(message, HeaderSize);
        await socket.SendAsync(message, SocketFlags.None, cancellationToken);
    }

    /// <summary>One response message's payload; throws on the server's error response (command set 0xFF, id 0xFF).</summary>
    private static async Task<byte[]> ReceiveAsync(Socket socket, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        await ReadExactlyAsync(socket, header, cancellationToken);
        var size = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(14));
        var payload = new byte[size - HeaderSize];
        await ReadExactlyAsync(socket, payload, cancellationToken);
        if (header[16] == 0xFF && header[17] == 0xFF)
            throw new InvalidOperationException($"The diagnostic port answered with error 0x{BinaryPrimitives.ReadUInt32LittleEndian(payload):X8}.");
        return payload;
    }

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0)
                throw new IOException("The diagnostic port closed the connection.");
            read += n;
        }
    }

    private static async Task DrainAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }

    private static void AppendUInt32(List<byte> bytes, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        bytes.AddRange(buffer);
    }

    private static void AppendUInt64(List<byte> bytes, ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        bytes.AddRange(buffer);
    }

    /// <summary>A UTF-16 string with its terminating NUL, prefixed by its length in characters (NUL included).</summary>
    private static void AppendString(List<byte> bytes, string value)
    {
        AppendUInt32(bytes, (uint)(value.Length + 1));
        bytes.AddRange(Encoding.Unicode.GetBytes(value + "\0"));
    }
}
