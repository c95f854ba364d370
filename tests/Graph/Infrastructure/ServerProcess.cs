using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// The built app (<c>src/Graph/bin/&lt;configuration&gt;/net10.0/LlmPlatform.Graph.dll</c>) in a process of its own, its
/// settings as environment variables, on a fixed port of 127.0.0.1: it can be killed (SIGKILL, no shutdown code runs)
/// and started again on the same port and database. Made by <see cref="TestServers.StartProcessAsync"/>.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>How long a start may take before the test fails, the app's output in the message.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private const int KeptOutputLines = 200;

    private readonly SharedResources _resources;
    private readonly bool _ownsResources;
    private readonly string _environment;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    internal ServerProcess(SharedResources resources, string environment, bool ownsResources)
    {
        _resources = resources;
        _ownsResources = ownsResources;
        _environment = environment;
        BaseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    /// <summary>The app's path, built with the tests' own configuration (Debug or Release).</summary>
    public static string AppPath { get; } = Path.Combine(RepositoryRoot.Path, "src", "Graph", "bin",
        typeof(ServerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug",
        "net10.0", "LlmPlatform.Graph.dll");

    public Uri BaseAddress { get; }

    public Uri GraphQLEndpoint => new(BaseAddress, "/graphql");

    public HttpClient Client { get; }

    public SharedResources Resources => _resources;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The last lines the app wrote (stdout and stderr), for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts the app and waits until <c>/health/ready</c> answers 200.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
            throw new InvalidOperationException("The server process is already running.");
        _process?.Dispose();
        _process = Start(_resources.Settings, _environment, BaseAddress, _output);
        using var timeout = new CancellationTokenSource(StartTimeout);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The server exited with {_process.ExitCode} while starting:\n{Output}");
            try
            {
                using var ready = await Client.GetAsync("/health/ready", timeout.Token);
                if (ready.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                break;
            }
            await Task.Delay(100, CancellationToken.None);
        }
        throw new TimeoutException($"The server was not ready within {StartTimeout}:\n{Output}");
    }

    /// <summary>SIGKILL: the process ends at once, without running any of its shutdown code; waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
            return;
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    /// <summary>Kills the app and starts it again on the same port and database.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartAsync();
    }

    /// <summary>
    /// Runs the app with <paramref name="arguments"/> (a command such as <c>migrate</c>) and the settings of
    /// <paramref name="settings"/>, and returns its exit code and output once it ends.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(IReadOnlyDictionary<string, string?> settings, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var output = new ConcurrentQueue<string>();
        using var process = Start(settings, "Testing", baseAddress: null, output, arguments);
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"`{string.Join(' ', arguments)}` did not end within {StartTimeout}:\n{string.Join('\n', output)}");
        }
        // The exit event can come before the last lines were read.
        process.WaitForExit();
        return (process.ExitCode, string.Join('\n', output));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Client.Dispose();
        if (_ownsResources)
            await _resources.DisposeAsync();
    }

    private static Process Start(IReadOnlyDictionary<string, string?> settings, string environment, Uri? baseAddress,
        ConcurrentQueue<string> output, params string[] arguments)
    {
        if (!File.Exists(AppPath))
            throw new InvalidOperationException($"{AppPath} is missing: build src/Graph first (the test project's build does).");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(AppPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppPath);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_ENVIRONMENT"] = environment;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["ASPNETCORE_URLS"] = baseAddress?.ToString().TrimEnd('/') ?? "http://127.0.0.1:0";
        foreach (var (key, value) in settings.Where(s => s.Value is not null))
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Keep(output, line.Data);
        process.ErrorDataReceived += (_, line) => Keep(output, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
            return;
        output.Enqueue(line);
        while (output.Count > KeptOutputLines)
            output.TryDequeue(out _);
    }
}
