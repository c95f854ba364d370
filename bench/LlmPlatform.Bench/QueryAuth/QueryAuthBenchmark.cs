using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmPlatform.Bench.Auth;
using LlmPlatform.Bench.Baseline;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Load;
using LlmPlatform.Bench.QueryThroughput;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;

namespace LlmPlatform.Bench.QueryAuth;

/// <summary>
/// <c>run query-auth</c>: <c>personas(first: 10)</c> with a bearer token against the same request without one (the
/// local user), on one app process, loaded by a separate load process in alternating slices. The signed-in account
/// owns the same personas as the local user, so both sides read the same rows and differ only in who asks. Writes
/// <c>bench/results/query-auth.md</c>.
/// </summary>
public static class QueryAuthBenchmark
{
    public const string Name = "query-auth";

    /// <summary>With a token the app needs at least this share of its requests/s without one.</summary>
    public const double Target = 0.90;

    /// <summary>Warm-up is over when each side's CPU time per request moves less than this between two chunks.</summary>
    public const double SettledWithin = 0.05;

    public const string WithoutToken = "without token";
    public const string WithToken = "with token";

    private static readonly TimeSpan WarmupChunk = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the server's CPU time is read during a load run, to share it out between the slices (the load
    /// process says when each began and ended); /proc counts in 10 ms ticks.
    /// </summary>
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = new Settings(
            ServerSettings.Read(arguments, Name),
            Concurrency: arguments.Int("concurrency", 32),
            Duration: arguments.Duration("duration", TimeSpan.FromSeconds(10)),
            Warmup: arguments.Duration("warmup", TimeSpan.FromSeconds(3)),
            ServerWarmup: arguments.Duration("server-warmup", TimeSpan.FromSeconds(180)),
            Slice: arguments.Duration("slice", TimeSpan.FromSeconds(1)),
            Rounds: arguments.Int("rounds", 3));
        arguments.ThrowIfUnread();
        return await Orchestration.RunAsync(cancellationToken =>
            RunAsync(settings, Orchestration.Command(Environment.GetCommandLineArgs()), cancellationToken));
    }

    private static async Task<int> RunAsync(Settings settings, string command, CancellationToken cancellationToken)
    {
        var machine = await Machine.DescribeAsync(cancellationToken);
        var (serverCpus, loadCpus) = Orchestration.Pinning(settings.Servers.Pin);
        var workDirectory = Orchestration.CreateWorkDirectory();
        try
        {
            Log("starting the server");
            using var servers = await StreamServers.StartAsync(settings.Servers, workDirectory, [], serverCpus, withBaseline: false, cancellationToken);
            var account = await BenchAccount.SignUpAsync(servers.GraphHttp, cancellationToken);
            await CreatePersonasAsync(servers.GraphHttp, account, cancellationToken);
            var responses = await CompareResponsesAsync(servers.GraphHttp, account, cancellationToken);
            Log($"signed in ({account.TokenLength}-character token for {account.Lifetime}); both sides answer with the same "
                + $"{responses.Nodes} rows ({responses.WithoutBytes} and {responses.WithBytes} bytes), the signed-in one with its own ids");
            var sides = new Sides(servers, new LoadTarget(servers.GraphHttp), new LoadTarget(servers.GraphHttp, account.Authorization));

            var started = DateTime.UtcNow;
            var warmup = await WarmUpAsync(sides, settings, loadCpus, cancellationToken);
            var rounds = new List<Round>();
            for (var number = 1; number <= settings.Rounds; number++)
            {
                // Within a round the load alternates slices A B, B A, …; rounds alternate who starts.
                var withFirst = number % 2 == 0;
                var round = await LoadAsync(sides, withFirst, settings.Warmup, settings.Duration, settings, loadCpus, cancellationToken) with { Number = number };
                rounds.Add(round);
                Log($"round {number}: without {round.Without.Rps:0} req/s ({Us(round.WithoutCpu)}/request), "
                    + $"with {round.With.Rps:0} req/s ({Us(round.WithCpu)}/request); ratio {round.Ratio:P1}, slice pairs {round.PairRatios.Min():P0} – {round.PairRatios.Max():P0}");
            }
            if (DateTime.UtcNow - started + TimeSpan.FromMinutes(1) > account.Lifetime)
                throw new BenchmarkFailedException("the run took about as long as the token lives: raise Auth:AccessTokenLifetime.");

            var report = QueryAuthReport.Render(new Report(
                settings, command, machine, DateTimeOffset.UtcNow, serverCpus, loadCpus, account.TokenLength, responses, warmup, rounds));
            await Orchestration.WriteReportAsync(settings.Servers.ResultsFile, report, cancellationToken);
            return 0;
        }
        finally
        {
            Orchestration.DeleteWorkDirectory(workDirectory);
        }
    }

    /// <summary>The signed-in account's own personas: the local user's, created through the API.</summary>
    private static async Task CreatePersonasAsync(Uri graphql, BenchAccount account, CancellationToken cancellationToken)
    {
        using var client = new HttpClient();
        foreach (var persona in BenchDatabase.OwnPersonasOf(Guid.Empty))
        {
            var input = new JsonObject
            {
                ["name"] = persona.Name,
                ["description"] = persona.Description,
                ["systemPrompt"] = persona.SystemPrompt,
                ["defaultProvider"] = persona.DefaultProvider,
                ["defaultModel"] = persona.DefaultModel,
                ["temperature"] = persona.Temperature,
                ["maxTokens"] = persona.MaxTokens,
            };
            var created = await BenchAccount.PostAsync(
                client, graphql, account.Authorization,
                "mutation($input: CreatePersonaInput!) { createPersona(input: $input) { persona { id } userErrors { code message } } }",
                new JsonObject { ["input"] = input }, cancellationToken);
            if (created["data"]?["createPersona"]?["userErrors"] is not JsonArray { Count: 0 })
                throw new BenchmarkFailedException("createPersona failed: " + created.ToJsonString());
        }
    }

    /// <summary>
    /// Both sides must read the same rows, or the comparison means nothing; and the signed-in side must really be the
    /// signed-in account (its own personas have ids other than the local user's), or the token did nothing.
    /// </summary>
    private static async Task<ResponseCheck> CompareResponsesAsync(Uri graphql, BenchAccount account, CancellationToken cancellationToken)
    {
        using var client = new HttpClient();
        var (withoutStatus, without) = await BenchAccount.PostRawAsync(client, graphql, null, QueryThroughputBenchmark.Query, null, cancellationToken);
        var (withStatus, with) = await BenchAccount.PostRawAsync(client, graphql, account.Authorization, QueryThroughputBenchmark.Query, null, cancellationToken);
        if (withoutStatus != 200 || withStatus != 200)
            throw new BenchmarkFailedException($"the app answered {withoutStatus} without a token and {withStatus} with one:\n{without}\n{with}");
        var withoutNodes = Nodes(without);
        var withNodes = Nodes(with);
        if (withoutNodes.Count != BaselineServer.PageSize || withNodes.Count != withoutNodes.Count)
            throw new BenchmarkFailedException($"expected two full pages of {BaselineServer.PageSize} personas.\nwithout: {without}\nwith:    {with}");
        var sameRows = withoutNodes.Zip(withNodes).All(p =>
            p.First["name"]?.GetValue<string>() == p.Second["name"]?.GetValue<string>()
            && p.First["description"]?.GetValue<string>() == p.Second["description"]?.GetValue<string>());
        if (!sameRows)
            throw new BenchmarkFailedException($"the two sides read different rows.\nwithout: {without}\nwith:    {with}");
        var ownIds = withoutNodes.Zip(withNodes).Count(p => p.First["id"]?.GetValue<string>() != p.Second["id"]?.GetValue<string>());
        if (ownIds == 0)
            throw new BenchmarkFailedException($"with the token the app answered as the local user: the token was not used.\n{with}");
        return new ResponseCheck(withoutNodes.Count, ownIds, Encoding.UTF8.GetByteCount(without), Encoding.UTF8.GetByteCount(with),
            string.Join(", ", withNodes.Select(n => n["name"]?.GetValue<string>())));

        static List<JsonNode> Nodes(string body) =>
            JsonNode.Parse(body) is { } json && json["errors"] is null && json["data"]?["personas"]?["nodes"] is JsonArray nodes
                ? [.. nodes.OfType<JsonNode>()]
                : [];
    }

    /// <summary>
    /// Loads both sides in chunks until each one's CPU time per request has settled and the runtime's tiered-compilation
    /// thread did no work in the last chunk, for at least 3 chunks and at most <c>--server-warmup</c>.
    /// </summary>
    private static async Task<Warmup> WarmUpAsync(Sides sides, Settings settings, string? loadCpus, CancellationToken cancellationToken)
    {
        Log($"warming up until CPU time per request settles (within {SettledWithin:P0}, at most {Arguments.FormatDuration(settings.ServerWarmup)})");
        var chunks = new List<Round>();
        var started = DateTime.UtcNow;
        while (true)
        {
            var chunk = await LoadAsync(sides, withFirst: false, TimeSpan.Zero, WarmupChunk, settings, loadCpus, cancellationToken) with { Number = chunks.Count + 1 };
            chunks.Add(chunk);
            Log($"warm-up {chunk.Number}: without {chunk.Without.Rps:0} req/s, {Us(chunk.WithoutCpu)}/request; "
                + $"with {chunk.With.Rps:0} req/s, {Us(chunk.WithCpu)}/request; JIT {(chunk.JitQuiet ? "quiet" : "busy")}");
            var elapsed = DateTime.UtcNow - started;
            if (chunks.Count >= 3 && chunk.JitQuiet && chunks[^2].Settled(chunk))
                return new Warmup(chunks, elapsed, Settled: true);
            if (elapsed >= settings.ServerWarmup)
            {
                Log("warm-up did not settle in time; measuring anyway (the report says so)");
                return new Warmup(chunks, elapsed, Settled: false);
            }
        }
    }

    /// <summary>
    /// One load process over both sides; the server's CPU time, read every <see cref="SampleInterval"/>, is shared
    /// out to the side whose slice it fell in (the measured part of each slice only), so each side gets a CPU time per
    /// request although one process serves both.
    /// </summary>
    private static async Task<Round> LoadAsync(
        Sides sides, bool withFirst, TimeSpan warmup, TimeSpan duration, Settings settings, string? cpus, CancellationToken cancellationToken)
    {
        LoadTarget[] order = withFirst ? [sides.With, sides.Without] : [sides.Without, sides.With];
        var server = sides.Servers.Graph;
        var jitBefore = ProcessCpu.JitSnapshot(server.Id);
        var jitQuiet = false;
        var sampler = new ProcessSampler(server.Id, SampleInterval);
        LoadResult result;
        try
        {
            result = await LoadProcess.RunAsync(
                order, JsonSerializer.Serialize(new JsonObject { ["query"] = QueryThroughputBenchmark.Query }), settings.Concurrency, warmup, duration,
                settings.Slice, cpus,
                () =>
                {
                    jitQuiet = jitBefore is not null && jitBefore == ProcessCpu.JitSnapshot(server.Id);
                    Orchestration.ThrowIfExited(server);
                },
                cancellationToken);
        }
        finally
        {
            await sampler.DisposeAsync();
        }

        var with = withFirst ? 0 : 1;
        var slices = result.Slices.Select(s => (s.Target, s.Requests, s.Rps, Cpu: sampler.CpuBetween(s.MeasuredFrom, s.End))).ToList();
        TimeSpan? CpuPerRequest(int target)
        {
            var own = slices.Where(s => s.Target == target).ToList();
            var requests = own.Sum(s => s.Requests);
            return own.All(s => s.Cpu is not null) && requests > 0 ? own.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Cpu!.Value) / requests : null;
        }
        // Measured slices come in passes of one slice per side, in alternating order.
        var pairs = result.Slices.Chunk(2)
            .Where(pass => pass.Length == 2)
            .Select(pass => pass.Single(s => s.Target == with).Rps / pass.Single(s => s.Target != with).Rps)
            .ToList();
        return new Round(
            0, withFirst ? [WithToken, WithoutToken] : [WithoutToken, WithToken], result.Targets[1 - with], result.Targets[with], pairs,
            CpuPerRequest(1 - with), CpuPerRequest(with), jitQuiet);
    }

    internal static string Us(TimeSpan? perRequest) => QueryThroughputBenchmark.FormatMicroseconds(perRequest);

    private static void Log(string message) => Orchestration.Log(message);

    public sealed record Settings(
        ServerSettings Servers, int Concurrency, TimeSpan Duration, TimeSpan Warmup, TimeSpan ServerWarmup, TimeSpan Slice, int Rounds);

    private sealed record Sides(StreamServers Servers, LoadTarget Without, LoadTarget With);

    /// <param name="OwnIds">Rows whose id differs between the sides: the signed-in account's own personas.</param>
    public sealed record ResponseCheck(int Nodes, int OwnIds, int WithoutBytes, int WithBytes, string Names);

    /// <summary>One load run over both sides (a round, or a warm-up chunk): each side's totals and CPU time per request.</summary>
    /// <param name="PairRatios">With ÷ without requests/s of each pass of two back-to-back slices.</param>
    public sealed record Round(
        int Number, IReadOnlyList<string> Order, TargetResult Without, TargetResult With, IReadOnlyList<double> PairRatios,
        TimeSpan? WithoutCpu, TimeSpan? WithCpu, bool JitQuiet)
    {
        public double Ratio => With.Rps / Without.Rps;

        /// <summary>Without ÷ with CPU time per request: the share of its throughput the token side would reach on CPU alone.</summary>
        public double? CpuRatio => WithoutCpu is { } without && WithCpu is { } with ? without / with : null;

        public TargetResult Of(string side) => side == WithToken ? With : Without;

        public TimeSpan? CpuOf(string side) => side == WithToken ? WithCpu : WithoutCpu;

        public bool Settled(Round next)
        {
            ArgumentNullException.ThrowIfNull(next);
            return Close(WithoutCpu, next.WithoutCpu) && Close(WithCpu, next.WithCpu);

            static bool Close(TimeSpan? before, TimeSpan? after) =>
                before is { } b && after is { } a && Math.Abs(a.Ticks - b.Ticks) <= SettledWithin * b.Ticks;
        }
    }

    public sealed record Warmup(IReadOnlyList<Round> Chunks, TimeSpan Elapsed, bool Settled);

    public sealed record Report(
        Settings Settings,
        string Command,
        Machine Machine,
        DateTimeOffset Finished,
        string? ServerCpus,
        string? LoadCpus,
        int TokenLength,
        ResponseCheck Responses,
        Warmup Warmup,
        IReadOnlyList<Round> Rounds);
}
