using LlmPlatform.Bench.Analytics;
using LlmPlatform.Bench.Baseline;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.IdleConnections;
using LlmPlatform.Bench.Load;
using LlmPlatform.Bench.QueryAuth;
using LlmPlatform.Bench.EventThroughput;
using LlmPlatform.Bench.QueryThroughput;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.StreamAuth;
using LlmPlatform.Bench.StreamFanout;
using LlmPlatform.Bench.StreamInstances;
using LlmPlatform.Bench.Streaming;
using LlmPlatform.Bench.StreamThroughput;
using LlmPlatform.Bench.TimeToFirstToken;

// Each role runs in its own process; the orchestrator (`run`) starts the others.
const string Usage = """
    usage:
      run query-throughput [--concurrency 32] [--duration 10s] [--warmup 3s] [--rounds 3] [--pin auto|split|none]
                           [--server-warmup 180s] [--slice 1s] [--results <file.md>] [--graphql-dll <path>]
                           [--server-env KEY=VALUE]... [--graphql-env KEY=VALUE]...
      run event-throughput [--concurrency 32] [--duration 10s] [--warmup 3s] [--rounds 3] [--server-warmup 60s] [--slice 1s] [common options]
      run query-auth [--concurrency 32] [--duration 10s] [--warmup 3s] [--rounds 3] [--server-warmup 180s] [--slice 1s] [common options]
      run stream-throughput [--tokens 10000] [--repetitions 20] [--rounds 3] [--min-warmup 60s] [--server-warmup 180s] [common options]
      run stream-auth [--tokens 10000] [--repetitions 20] [--rounds 3] [--min-warmup 60s] [--server-warmup 180s] [common options]
      run stream-fanout [--connections 1000] [--tokens 200] [--delay 20ms] [--rounds 3] [--warmup-runs 3] [common options]
      run stream-instances [stream-fanout's options] [--stream-tokens 10000] [--repetitions 20] [--warmup-repetitions 20] [common options]
      run time-to-first-token [--concurrency 100] [--waves 10] [--rounds 3] [--warmup-waves 20] [--max-tokens 16] [common options]
      run idle-connections [--connections 1000] [--settle 8s] [--readings 3] [--warmup-connections 100] [common options]
      run analytics [--events 1000000] [--days 35] [--repetitions 20] [--warmup 3] [common options]   (needs PostgreSQL installed)
          common options: [--pin auto|split|none] [--results <file.md>] [--graphql-dll <path>] [--server-env K=V]... [--graphql-env K=V]...
      baseline-server --urls http://127.0.0.1:PORT --sqlite <path>   (POST /personas, and the bare WebSocket stream at /ws?delayMs=N)
      stub-provider --urls http://127.0.0.1:PORT   (an OpenAI-compatible provider answering its first token at once: POST /v1/chat/completions)
      seed --sqlite <path>                  (the benchmark's database and token certificates, to run the servers by hand, e.g. to profile;
                                             prints the app's settings as export lines)
      memory --pid <pid> [--gc true]        (a process's RSS and GC heap from /proc; --gc true induces a full GC first)
      load --url <url> [--url <url>]... --body <json> [--concurrency 32] [--duration 10s] [--warmup 3s]
           [--slice 1s] [--settle 100ms] [--accept <header>] [--authorization <header value>|none]... (one per --url)
      stream-client throughput --url <ws url> [--start-url <http url>] [--url <ws url> [--start-url <http url>]] [--tokens 10000] [--repetitions 5] [--warmup 1] [--show-frames N]
                               [--authorization <Bearer token>|none]... (one per --url: the connection_init payload's authorization)
      stream-client fanout --url <ws url> [--start-url <http url>] [--connections 1000] [--tokens 200] [--delay 20ms]
      stream-client first-token --graphql <ws url> --direct <stub's http chat url> [--concurrency 100] [--waves 10] [--max-tokens 16]
      stream-client idle --url <ws url> [--query generate | --query watch --id <generation id>]   (then open N / status / close on stdin)
    """;

try
{
    var arguments = Arguments.Parse(args.Skip(1));
    return args.FirstOrDefault() switch
    {
        "run" when arguments.Positional is [QueryThroughputBenchmark.Name] => await QueryThroughputBenchmark.RunAsync(arguments),
        "run" when arguments.Positional is [QueryAuthBenchmark.Name] => await QueryAuthBenchmark.RunAsync(arguments),
        "run" when arguments.Positional is [EventThroughputBenchmark.Name] => await EventThroughputBenchmark.RunAsync(arguments),
        "run" when arguments.Positional is [StreamThroughputBenchmark.Name] => await StreamThroughputBenchmark.RunAsync(arguments),
        "run" when arguments.Positional is [StreamAuthBenchmark.Name] => await StreamAuthBenchmark.RunAsync(arguments),
        "run" when arguments.Positional is [StreamFanoutBenchmark.Name] => await StreamFanoutBenchmark.RunAsync(arguments),
        "run" when arguments.Positional is [StreamInstancesBenchmark.Name] => await StreamInstancesBenchmark.RunAsync(arguments),
        "run" when arguments.Positional is [TimeToFirstTokenBenchmark.Name] => await TimeToFirstTokenBenchmark.RunAsync(arguments),
        "run" when arguments.Positional is [IdleConnectionsBenchmark.Name] => await IdleConnectionsBenchmark.RunAsync(arguments),
        "run" when arguments.Positional is [AnalyticsBenchmark.Name] => await AnalyticsBenchmark.RunAsync(arguments),
        "baseline-server" => await BaselineServer.RunAsync(arguments),
        "stub-provider" => await StubProvider.RunAsync(arguments),
        "load" => await LoadCommand.RunAsync(arguments),
        "stream-client" => await StreamClientCommand.RunAsync(arguments),
        "seed" => await SeedAsync(arguments),
        "memory" => await MemoryAsync(arguments),
        _ => throw new UsageException("unknown command"),
    };
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync($"{e.Message}\n{Usage}");
    return 64;
}

static async Task<int> MemoryAsync(Arguments arguments)
{
    var pid = arguments.Int("pid", 0);
    var collect = arguments.Optional("gc") == "true";
    arguments.ThrowIfUnread();
    static string Show(ProcessMemory? m) => m is null ? "no /proc"
        : $"RSS {m.Rss / 1048576.0:0.0} MiB (anon {m.RssAnon / 1048576.0:0.0}, file {m.RssFile / 1048576.0:0.0}); "
          + $"GC heap resident {m.GcHeapResident / 1048576.0:0.0} MiB, committed {m.GcHeapCommitted / 1048576.0:0.0} MiB";
    Console.WriteLine("before: " + Show(ProcessMemory.Read(pid)));
    if (collect)
    {
        Console.WriteLine(await InducedGc.CollectAsync(pid, CancellationToken.None) ? "full GC induced" : "no diagnostic port");
        Console.WriteLine("after:  " + Show(ProcessMemory.Read(pid)));
    }
    return 0;
}

static async Task<int> SeedAsync(Arguments arguments)
{
    var path = Path.GetFullPath(arguments.Required("sqlite"));
    arguments.ThrowIfUnread();
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    await BenchDatabase.CreateAsync(path, CancellationToken.None);
    // The app needs token certificates outside Development: a pair beside the database, and the settings naming them.
    TokenCertificates.Create(new DirectoryInfo(Path.GetDirectoryName(path)!));
    Console.WriteLine($"seeded {path}; the app's settings for it (as the benchmarks run it):");
    foreach (var (key, value) in Orchestration.ServerEnvironment(path, []).Where(e => e.Value is not null))
        Console.WriteLine($"export {key}='{value}'");
    return 0;
}
