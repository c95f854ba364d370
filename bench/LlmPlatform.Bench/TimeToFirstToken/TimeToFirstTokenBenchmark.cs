using System.Globalization;
using System.Text.Json;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;
using LlmPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Bench.TimeToFirstToken;

/// <summary>
/// <c>run time-to-first-token</c>: what the server adds to the time to the first token. The app is configured with
/// one OpenAI-compatible provider, the bench's <see cref="StubProvider"/> (its own process, answering its first token at
/// once); one load process runs waves of N concurrent `generate` subscriptions against the app and N concurrent
/// requests to the same stub directly, alternating wave by wave, and the difference of the two distributions'
/// percentiles is the server's added time. The app's own <c>Usage.overheadMs</c> of the measured generations is read
/// back from its database afterwards. Writes <c>bench/results/time-to-first-token.md</c>.
/// </summary>
public static class TimeToFirstTokenBenchmark
{
    public const string Name = "time-to-first-token";
    public const string ProviderName = "stub";

    /// <summary>Targets for the server's added time to the first token, in milliseconds.</summary>
    public const double TargetP50Ms = 1;
    public const double TargetP99Ms = 5;

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var postgres = arguments.Flag("postgres");
        var settings = new Settings(
            ServerSettings.Read(arguments, postgres ? Name + "-postgres" : Name),
            Concurrency: arguments.Int("concurrency", 100),
            Waves: arguments.Int("waves", 10),
            Rounds: arguments.Int("rounds", 3),
            WarmupWaves: arguments.Int("warmup-waves", 20, min: 0),
            MaxTokens: arguments.Int("max-tokens", 16),
            Postgres: postgres);
        arguments.ThrowIfUnread();
        return await Orchestration.RunAsync(cancellationToken =>
            RunAsync(settings, Orchestration.Command(Environment.GetCommandLineArgs()), cancellationToken));
    }

    /// <summary>The app's settings that make the stub its only and default provider (and let one user start every generation).</summary>
    public static IReadOnlyList<string> StubSettings(string stubApiRoot, int maxTokens) =>
    [
        $"--Llm:Providers:{ProviderName}:Kind=openai-compatible",
        $"--Llm:Providers:{ProviderName}:Endpoint={stubApiRoot}",
        $"--Llm:Providers:{ProviderName}:ApiKey=bench-stub-key",
        $"--Llm:Providers:{ProviderName}:Models:{StubProvider.Model}:ContextWindow=8192",
        $"--Llm:Providers:{ProviderName}:Models:{StubProvider.Model}:MaxOutputTokens={Math.Max(maxTokens, 256).ToString(CultureInfo.InvariantCulture)}",
        $"--Llm:DefaultProvider={ProviderName}",
        "--Llm:RateLimits:Enabled=false",
    ];

    private static async Task<int> RunAsync(Settings settings, string command, CancellationToken cancellationToken)
    {
        var machine = await Machine.DescribeAsync(cancellationToken);
        var (serverCpus, clientCpus) = Orchestration.Pinning(settings.Servers.Pin);
        var workDirectory = Orchestration.CreateWorkDirectory();
        try
        {
            Log("starting the stub provider and the app");
            var stubPort = Orchestration.FreePort();
            using var stub = ChildProcess.Start("stub-provider", [.. Paths.Self, "stub-provider", "--urls", $"http://127.0.0.1:{stubPort}"], serverCpus);
            await Orchestration.WaitUntilReadyAsync(stub, $"http://127.0.0.1:{stubPort}{StubProvider.ReadyPath}", cancellationToken);
            var stubApiRoot = $"http://127.0.0.1:{stubPort}/v1";
            var direct = new Uri($"http://127.0.0.1:{stubPort}{StubProvider.ChatPath}");
            // With --postgres the app stores everything in a throwaway PostgreSQL (its own process on the servers' core).
            using var backends = settings.Postgres ? await ThrowawayBackends.StartAsync(cancellationToken) : null;
            var serverSettings = backends is null ? settings.Servers
                : settings.Servers with { GraphQLEnvironment = [.. settings.Servers.GraphQLEnvironment, "ConnectionStrings__Postgres=" + backends.Postgres] };
            using var servers = await StreamServers.StartAsync(
                serverSettings, workDirectory, StubSettings(stubApiRoot, settings.MaxTokens), serverCpus, withBaseline: false, cancellationToken);

            FirstTokenResult? warmup = null;
            if (settings.WarmupWaves > 0)
            {
                warmup = await ClientAsync(servers, stub, direct, settings, settings.WarmupWaves, clientCpus, cancellationToken);
                Log($"warm-up: {Describe(warmup)}");
            }
            var measuredFrom = DateTime.UtcNow;
            var jitBefore = ProcessCpu.JitSnapshot(servers.Graph.Id);
            var rounds = new List<FirstTokenResult>();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                var result = await ClientAsync(servers, stub, direct, settings, settings.Waves, clientCpus, cancellationToken);
                rounds.Add(result);
                Log($"round {round}: {Describe(result)}");
            }
            var jitQuiet = jitBefore is not null && jitBefore == ProcessCpu.JitSnapshot(servers.Graph.Id);
            await using var database = backends is null
                ? new SqlitePlatformDbContext(new DbContextOptionsBuilder<SqlitePlatformDbContext>()
                    .UseSqlite($"Data Source={Path.Combine(workDirectory.FullName, "graphql.db")};Mode=ReadOnly").Options)
                : (PlatformDbContext)new PostgresPlatformDbContext(new DbContextOptionsBuilder<PostgresPlatformDbContext>().UseNpgsql(backends.Postgres).Options);
            var usage = await ReadUsageAsync(database, measuredFrom, cancellationToken);

            var report = TimeToFirstTokenReport.Render(new Report(
                settings, command, machine, DateTimeOffset.UtcNow, serverCpus, clientCpus, warmup, rounds, usage, jitQuiet));
            await Orchestration.WriteReportAsync(settings.Servers.ResultsFile, report, cancellationToken);
            return 0;
        }
        finally
        {
            Orchestration.DeleteWorkDirectory(workDirectory);
        }
    }

    private static async Task<FirstTokenResult> ClientAsync(
        StreamServers servers, ChildProcess stub, Uri direct, Settings settings, int waves, string? cpus, CancellationToken cancellationToken)
    {
        var json = await StreamServers.RunClientAsync(
            [
                "first-token", "--graphql", servers.GraphWebSocket.ToString(), "--direct", direct.ToString(),
                "--concurrency", settings.Concurrency.ToString(CultureInfo.InvariantCulture),
                "--waves", waves.ToString(CultureInfo.InvariantCulture),
                "--max-tokens", settings.MaxTokens.ToString(CultureInfo.InvariantCulture),
            ],
            cpus, TimeSpan.FromMinutes(10), allowFailure: false, cancellationToken);
        servers.ThrowIfExited();
        Orchestration.ThrowIfExited(stub);
        return JsonSerializer.Deserialize(json, FirstTokenJsonContext.Default.FirstTokenResult)
            ?? throw new BenchmarkFailedException("stream-client printed no result.");
    }

    /// <summary>The measured generations' usage rows, as the app stored them.</summary>
    private static async Task<IReadOnlyList<StoredUsage>> ReadUsageAsync(PlatformDbContext db, DateTime from, CancellationToken cancellationToken)
    {
        var rows = await db.UsageEvents.AsNoTracking().Where(u => u.Provider == ProviderName)
            .Select(u => new { u.CreatedAt, u.OverheadMs, u.TimeToFirstTokenMs, u.Status })
            .ToListAsync(cancellationToken);
        return [.. rows.Where(u => u.CreatedAt >= from).Select(u => new StoredUsage(u.OverheadMs, u.TimeToFirstTokenMs, u.Status.ToString()))];
    }

    internal static string Describe(FirstTokenResult r) => Invariant(
        $"GraphQL first token p50 {Percentile(r.GraphQLFirstToken, 0.5) / 1000:0.00} ms p99 {Percentile(r.GraphQLFirstToken, 0.99) / 1000:0.00} ms; ")
        + Invariant($"direct p50 {Percentile(r.DirectFirstToken, 0.5) / 1000:0.00} ms p99 {Percentile(r.DirectFirstToken, 0.99) / 1000:0.00} ms; ")
        + Invariant($"{r.GraphQLFirstToken.Count} + {r.DirectFirstToken.Count} generations, {r.Errors} errors")
        + (r.FirstError is { } e ? "; first error: " + e : "");

    /// <summary>Nearest-rank percentile of unsorted <paramref name="values"/>; NaN when there are none.</summary>
    internal static double Percentile(IEnumerable<double> values, double quantile)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Log(string message) => Orchestration.Log(message);

    public sealed record Settings(ServerSettings Servers, int Concurrency, int Waves, int Rounds, int WarmupWaves, int MaxTokens, bool Postgres);

    /// <summary>One measured generation's usage row: the app's own overhead and the provider's time to first token.</summary>
    public sealed record StoredUsage(double? OverheadMs, int? TimeToFirstTokenMs, string Status);

    public sealed record Report(
        Settings Settings, string Command, Machine Machine, DateTimeOffset Finished, string? ServerCpus, string? ClientCpus,
        FirstTokenResult? Warmup, IReadOnlyList<FirstTokenResult> Rounds, IReadOnlyList<StoredUsage> Usage, bool JitQuiet);
}
