using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using LlmPlatform.Bench.Cli;

namespace LlmPlatform.Bench.Runner;

/// <summary>
/// What every benchmark's orchestrator (<c>run &lt;name&gt;</c>) does the same way: stop cleanly on Ctrl+C, start the
/// servers with the same settings, pin them, wait until they answer, log, and write the report with the command
/// that reproduces it.
/// </summary>
public static class Orchestration
{
    /// <summary>
    /// Runs <paramref name="benchmark"/> so that Ctrl+C or a TERM signal unwinds it (every process it started is then
    /// stopped by its <see cref="ChildProcess"/>), and a <see cref="BenchmarkFailedException"/> ends it with exit code 1.
    /// </summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> benchmark)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            return await benchmark(stop.Token);
        }
        catch (BenchmarkFailedException e)
        {
            await Console.Error.WriteLineAsync("benchmark failed: " + e.Message);
            return 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("benchmark stopped; no result written.");
            return 130;
        }
    }

    /// <summary>
    /// On a machine with 2 or more cores, <c>split</c> gives the servers the last core and the load generator the
    /// others, so the load generator never takes the server's CPU (it would count against whichever target answers
    /// more requests). <c>auto</c> splits when <c>taskset</c> exists.
    /// </summary>
    public static (string? Server, string? Load) Pinning(string pin)
    {
        if (pin is not ("auto" or "split" or "none"))
            throw new UsageException("--pin must be auto, split or none");
        var cores = Environment.ProcessorCount;
        var canSplit = cores >= 2 && File.Exists("/usr/bin/taskset");
        if (pin == "split" && !canSplit)
            throw new BenchmarkFailedException("--pin split needs taskset and at least 2 cores.");
        if (pin == "none" || !canSplit)
            return (null, null);
        var last = cores - 1;
        return (last.ToString(CultureInfo.InvariantCulture), last == 1 ? "0" : $"0-{last - 1}");
    }

    /// <summary>
    /// The same settings for every server: production, quiet logs, this database, never PostgreSQL or Redis, and
    /// the runtime's defaults (a knob such as <c>DOTNET_TC_CallCountingDelayMs=0</c> reaches steady state sooner but
    /// a different one: both query-throughput servers measured ~8% slower with it); then <paramref name="overrides"/>,
    /// each <c>KEY=VALUE</c> (<c>KEY=</c> removes the variable).
    /// </summary>
    /// <remarks>
    /// Sign-in as the benchmarks need it: the run's token certificates (made by <see cref="CreateWorkDirectory"/>, found
    /// beside the database), a caller without a token acting as the local user (what the query and streaming benchmarks
    /// send, and the "without token" side of the auth benchmarks), tokens over plain HTTP on loopback, and neither the
    /// token endpoint's limit per address nor the generation rate limits (all the load comes from one address and user).
    /// </remarks>
    public static Dictionary<string, string?> ServerEnvironment(string sqlitePath, IEnumerable<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = null,
            ["Logging__LogLevel__Default"] = "Warning",
            ["ConnectionStrings__Sqlite"] = $"Data Source={sqlitePath}",
            ["ConnectionStrings__Postgres"] = null,
            ["ConnectionStrings__Redis"] = null,
            ["Data__MigrateOnStartup"] = "true",
            ["Auth__AnonymousAsLocalUser"] = "true",
            ["Auth__RequireHttps"] = "false",
            ["Auth__TokenRequestsPerMinute"] = "0",
            ["Llm__RateLimits__Enabled"] = "false",
        };
        foreach (var (key, value) in TokenCertificates.Settings(Path.GetDirectoryName(Path.GetFullPath(sqlitePath.Length == 0 ? "." : sqlitePath))!))
            environment[key] = value;
        foreach (var setting in overrides)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new UsageException("--server-env and --graphql-env take KEY=VALUE (KEY= removes the variable)");
            environment[setting[..equals]] = equals == setting.Length - 1 ? null : setting[(equals + 1)..];
        }
        return environment;
    }

    /// <summary>Polls <paramref name="url"/> until it answers 2xx; fails when the server exits or takes over 60 s.</summary>
    public static async Task WaitUntilReadyAsync(ChildProcess server, string url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (server.HasExited)
                throw new BenchmarkFailedException($"{server.Name} exited before it was ready.\n{server.Output()}");
            try
            {
                using var response = await client.GetAsync(new Uri(url), cancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Listening but slow to answer while it starts.
            }
            if (DateTime.UtcNow > deadline)
                throw new BenchmarkFailedException($"{server.Name} was not ready at {url} within 60 s.\n{server.Output()}");
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Fails the run when any of <paramref name="servers"/> has exited.</summary>
    public static void ThrowIfExited(params ChildProcess[] servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        foreach (var server in servers)
        {
            if (server.HasExited)
                throw new BenchmarkFailedException($"{server.Name} exited during the run.\n{server.Output()}");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The command to reproduce this run: the wrapper's, when it says so, else this program's.</summary>
    public static string Command(string[] commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        return Environment.GetEnvironmentVariable("BENCH_COMMAND") is { Length: > 0 } wrapper
            ? wrapper
            : "dotnet " + string.Join(' ', [Path.GetRelativePath(Paths.RepositoryRoot, typeof(Paths).Assembly.Location), .. commandLine.Skip(1)]);
    }

    /// <summary>Writes the report whole (through a temporary file, so a stopped run leaves the old one), then prints it.</summary>
    public static async Task WriteReportAsync(string file, string report, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temporary = file + ".tmp";
        await File.WriteAllTextAsync(temporary, report, new UTF8Encoding(false), cancellationToken);
        File.Move(temporary, file, overwrite: true);
        Console.WriteLine();
        Console.WriteLine(report);
        Log($"written to {file}");
    }

    /// <summary>
    /// A fresh temporary directory for one run's files, with the run's token certificates (<see cref="TokenCertificates"/>)
    /// in it; deleted (with SQLite's pooled handles closed) by <see cref="DeleteWorkDirectory"/>.
    /// </summary>
    public static DirectoryInfo CreateWorkDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("llmplatform-bench-");
        TokenCertificates.Create(directory);
        return directory;
    }

    public static void DeleteWorkDirectory(DirectoryInfo directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException e)
        {
            Log($"could not delete {directory.FullName}: {e.Message}");
        }
    }

    public static void Log(string message) =>
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}

/// <summary>The run cannot give a valid result; the message says why.</summary>
public sealed class BenchmarkFailedException : Exception
{
    public BenchmarkFailedException()
    {
    }

    public BenchmarkFailedException(string message)
        : base(message)
    {
    }

    public BenchmarkFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
