using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace LlmPlatform.Graph.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of one test's own (initdb in a temp directory, a port of 127.0.0.1, trust authentication), which
/// the test may stop and start again on the same port and data without disturbing the suite's shared server. Binaries
/// are found as test.sh finds them: <c>pg_config --bindir</c>, else the newest <c>/usr/lib/postgresql/*/bin</c>. As root,
/// the server runs as the <c>postgres</c> user, since PostgreSQL refuses to run as root.
/// </summary>
public sealed class OwnPostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _bin;
    private readonly string _directory;

    private OwnPostgresServer(string bin, string directory, int port) => (_bin, _directory, Port) = (bin, directory, port);

    public int Port { get; }

    /// <summary>The superuser's connection string (database <c>postgres</c>), for <see cref="TestDatabase.CreatePostgresAsync(string)"/>.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    private string DataDirectory => Path.Combine(_directory, "data");

    public static async Task<OwnPostgresServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("llmplatform-pg").FullName;
        var server = new OwnPostgresServer(FindBin(), directory, FreePort.Next());
        try
        {
            if (Environment.UserName == "root")
            {
                // The postgres user must reach its directory inside the (private) temp directory.
                await RunAsync("chmod", "711", directory);
                await RunAsync("chown", "postgres:", directory);
            }
            await server.RunPgAsync("initdb", "-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync");
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server (again) on its port and data; returns once it accepts connections.</summary>
    public Task StartAgainAsync() => RunPgAsync("pg_ctl", "-D", DataDirectory, "-l", Path.Combine(_directory, "server.log"), "-w",
        "-t", ((int)CommandTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        "-o", $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories={_directory} -c fsync=off -c synchronous_commit=off",
        "start");

    /// <summary>
    /// Stops the server and waits until it is down: "fast" disconnects clients and shuts down cleanly, "immediate"
    /// ends every process at once, as a crash would (recovery runs at the next start).
    /// </summary>
    public Task StopAsync(string mode = "fast") => RunPgAsync("pg_ctl", "-D", DataDirectory, "-m", mode, "-w", "stop");

    /// <summary>Stops and starts the server: every connection a client had open is dead afterwards.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            await RunPgAsync("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        Directory.Delete(_directory, recursive: true);
    }

    private Task RunPgAsync(string program, params string[] arguments) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, program), .. arguments])
            : RunAsync(Path.Combine(_bin, program), arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
    }

    private static string FindBin()
    {
        try
        {
            var start = new ProcessStartInfo("pg_config", "--bindir") { UseShellExecute = false, RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            var bin = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            if (File.Exists(Path.Combine(bin, "pg_ctl")))
                return bin;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config: look where Debian puts the server.
        }
        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "pg_ctl"))).OrderBy(b => b, StringComparer.Ordinal).LastOrDefault()
              ?? throw new InvalidOperationException("No PostgreSQL server binaries in /usr/lib/postgresql; ./test.sh installs them.")
            : throw new InvalidOperationException("No PostgreSQL server binaries (pg_config --bindir, /usr/lib/postgresql); ./test.sh installs them.");
    }
}
