using System.Diagnostics;
using System.Text;

namespace LlmPlatform.Bench.Runner;

/// <summary>
/// A process the orchestrator started: its output is kept (the tail of it) to explain a failure, and
/// disposing it kills the whole process tree, so no server outlives a run, failed or not.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private const int KeptOutput = 64 * 1024;

    private volatile string? _lastJsonLine;

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Line)> _awaited = [];

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>
    /// Starts <paramref name="command"/> (program then arguments, no shell), pinned to <paramref name="cpus"/> when given.
    /// With <paramref name="interactive"/>, its standard input stays open for <see cref="SendLineAsync"/>.
    /// </summary>
    public static ChildProcess Start(
        string name,
        IReadOnlyList<string> command,
        string? cpus = null,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        bool interactive = false)
    {
        ArgumentNullException.ThrowIfNull(command);
        var full = cpus is null ? command : ["taskset", "--cpu-list", cpus, .. command];
        var info = new ProcessStartInfo(full[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = interactive,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in full.Skip(1))
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                info.Environment.Remove(key);
            else
                info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) =>
        {
            Append(child._stdout, e.Data);
            // Kept whole: a client's result line can be longer than the kept tail of the output.
            if (e.Data is ['{', ..])
                child._lastJsonLine = e.Data;
            child.Match(e.Data);
        };
        process.ErrorDataReceived += (_, e) => Append(child._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the process to end on its own; kills it and throws when it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            throw new TimeoutException($"{Name} did not finish within {timeout}.\n{Output()}");
        }
        // The parameterless wait also drains the redirected output.
        await _process.WaitForExitAsync(CancellationToken.None);
        return _process.ExitCode;
    }

    /// <summary>Writes one line to the process's standard input (started with <c>interactive</c>).</summary>
    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>
    /// The next line of standard output that <paramref name="match"/> accepts (lines printed before the call are not
    /// looked at); throws when the process exits first or <paramref name="timeout"/> passes.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var line = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_awaited)
            _awaited.Add((match, line));
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            var exited = _process.WaitForExitAsync(limit.Token);
            if (await Task.WhenAny(line.Task, exited) == line.Task)
                return await line.Task;
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(_process.HasExited
                ? $"{Name} exited (code {_process.ExitCode}) before printing the expected line.\n{Output()}"
                : $"{Name} did not print the expected line within {timeout}.\n{Output()}");
        }
        finally
        {
            lock (_awaited)
                _awaited.RemoveAll(a => a.Line == line);
        }
    }

    /// <summary>The last line of standard output that starts with <c>{</c>, whole, however long; null before one.</summary>
    public string? LastJsonLine() => _lastJsonLine;

    public string StandardOutput()
    {
        lock (_stdout)
            return _stdout.ToString();
    }

    /// <summary>Both streams' tails, for an error message.</summary>
    public string Output()
    {
        string stdout, stderr;
        lock (_stdout)
            stdout = _stdout.ToString();
        lock (_stderr)
            stderr = _stderr.ToString();
        return $"--- {Name} stdout ---\n{stdout}--- {Name} stderr ---\n{stderr}";
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended between the check and the kill.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }

    private void Match(string? line)
    {
        if (line is null)
            return;
        lock (_awaited)
        {
            foreach (var (match, awaited) in _awaited)
            {
                if (match(line))
                    awaited.TrySetResult(line);
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
            return;
        lock (output)
        {
            output.AppendLine(line);
            if (output.Length > KeptOutput)
                output.Remove(0, output.Length - KeptOutput);
        }
    }
}
