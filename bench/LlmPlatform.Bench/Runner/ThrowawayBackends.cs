using System.Globalization;

namespace LlmPlatform.Bench.Runner;

/// <summary>
/// One throwaway PostgreSQL and one throwaway Redis for a run, on free loopback ports, their files in a temporary
/// directory, found as <c>test.sh</c> finds them (<c>pg_config --bindir</c>, <c>/usr/lib/postgresql/*/bin</c>,
/// <c>redis-server</c> on PATH). As root, PostgreSQL runs as the <c>postgres</c> system user, since it refuses root.
/// Disposing stops both and deletes their files.
/// </summary>
public sealed class ThrowawayBackends : IDisposable
{
    private const string MissingHint = "install the Debian packages `postgresql` and `redis-server` (./test.sh does when run as root)";

    private readonly DirectoryInfo _directory;
    private readonly ChildProcess _postgres;
    private readonly ChildProcess _redis;

    private ThrowawayBackends(DirectoryInfo directory, ChildProcess postgres, int postgresPort, ChildProcess redis, int redisPort)
    {
        _directory = directory;
        _postgres = postgres;
        _redis = redis;
        Postgres = $"Host=127.0.0.1;Port={postgresPort.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres;Maximum Pool Size=200";
        Redis = $"127.0.0.1:{redisPort.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The app's <c>ConnectionStrings:Postgres</c>.</summary>
    public string Postgres { get; }

    /// <summary>The app's <c>ConnectionStrings:Redis</c>.</summary>
    public string Redis { get; }

    public static async Task<ThrowawayBackends> StartAsync(CancellationToken cancellationToken)
    {
        var bin = PostgresBin() ?? throw new BenchmarkFailedException($"PostgreSQL's initdb and postgres were not found: {MissingHint}.");
        var redisServer = OnPath("redis-server") ?? throw new BenchmarkFailedException($"redis-server is not on PATH: {MissingHint}.");
        var directory = Directory.CreateTempSubdirectory("llmplatform-bench-backends-");
        var asPostgres = Environment.UserName == "root" ? new[] { "runuser", "-u", "postgres", "--" } : [];
        ChildProcess? postgres = null;
        try
        {
            var data = Path.Combine(directory.FullName, "pg");
            if (asPostgres.Length > 0 && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(directory.FullName, (UnixFileMode)0b111_101_101);
                Directory.CreateDirectory(data);
                await RunToEndAsync("chown", ["chown", "postgres:", data], cancellationToken);
            }
            await RunToEndAsync("initdb",
                [.. asPostgres, Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
                cancellationToken);
            var postgresPort = Orchestration.FreePort();
            // Durability is pointless for data thrown away; connections for two instances' pools.
            postgres = ChildProcess.Start("postgres",
                [.. asPostgres, Path.Combine(bin, "postgres"), "-D", data, "-c", "listen_addresses=127.0.0.1", "-c", $"port={postgresPort}",
                 "-c", $"unix_socket_directories={data}", "-c", "max_connections=500", "-c", "fsync=off", "-c", "synchronous_commit=off",
                 "-c", "full_page_writes=off"]);
            var redisPort = Orchestration.FreePort();
            var redis = ChildProcess.Start("redis",
                [redisServer, "--bind", "127.0.0.1", "--port", redisPort.ToString(CultureInfo.InvariantCulture), "--dir", directory.FullName,
                 "--save", "", "--appendonly", "no", "--daemonize", "no"]);
            await WaitUntilAsync(postgres, () => Succeeds(Path.Combine(bin, "pg_isready"), ["-h", "127.0.0.1", "-p", postgresPort.ToString(CultureInfo.InvariantCulture), "-U", "postgres"]), cancellationToken);
            await WaitUntilAsync(redis, () => Listens(redisPort), cancellationToken);
            return new ThrowawayBackends(directory, postgres, postgresPort, redis, redisPort);
        }
        catch
        {
            postgres?.Dispose();
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Polls <paramref name="ready"/> until true; fails when <paramref name="server"/> exits or takes over 60 s.</summary>
    private static async Task WaitUntilAsync(ChildProcess server, Func<Task<bool>> ready, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await ready())
        {
            if (server.HasExited || DateTime.UtcNow > deadline)
                throw new BenchmarkFailedException($"{server.Name} did not start.\n{server.Output()}");
            await Task.Delay(200, cancellationToken);
        }
    }

    private static async Task<bool> Succeeds(string program, IReadOnlyList<string> arguments)
    {
        using var process = ChildProcess.Start(Path.GetFileName(program), [program, .. arguments]);
        return await process.WaitForExitAsync(TimeSpan.FromSeconds(5), CancellationToken.None) == 0;
    }

    private static async Task<bool> Listens(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static async Task RunToEndAsync(string name, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        using var process = ChildProcess.Start(name, command);
        if (await process.WaitForExitAsync(TimeSpan.FromMinutes(2), cancellationToken) != 0)
            throw new BenchmarkFailedException($"{name} failed.\n{process.Output()}");
    }

    private static string? PostgresBin()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).OrderDescending(StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        if (OnPath("pg_config") is { } pgConfig)
        {
            using var process = ChildProcess.Start("pg_config", [pgConfig, "--bindir"]);
            if (process.WaitForExitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).GetAwaiter().GetResult() == 0)
                candidates = candidates.Prepend(process.StandardOutput().Trim());
        }
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")));
    }

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    public void Dispose()
    {
        _redis.Dispose();
        _postgres.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException e)
        {
            Orchestration.Log($"could not delete {_directory.FullName}: {e.Message}");
        }
    }
}
