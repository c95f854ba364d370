using LlmPlatform.Bench.Baseline;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Load;
using LlmPlatform.Bench.QueryThroughput;

// Each role runs in its own process; the orchestrator (`run`) starts the others.
const string Usage = """
    usage:
      run query-throughput [--concurrency 32] [--duration 10s] [--warmup 3s] [--rounds 3] [--pin auto|split|none]
                           [--server-warmup 180s] [--slice 1s] [--results <file.md>] [--graphql-dll <path>]
                           [--server-env KEY=VALUE]... [--graphql-env KEY=VALUE]...
      baseline-server --urls http://127.0.0.1:PORT --sqlite <path>
      seed --sqlite <path>                  (the benchmark's database, to run the servers by hand, e.g. to profile)
      load --url <url> [--url <url>]... --body <json> [--concurrency 32] [--duration 10s] [--warmup 3s]
           [--slice 1s] [--settle 100ms] [--accept <header>]
    """;

try
{
    var arguments = Arguments.Parse(args.Skip(1));
    return args.FirstOrDefault() switch
    {
        "run" when arguments.Positional is [QueryThroughputBenchmark.Name] => await QueryThroughputBenchmark.RunAsync(arguments),
        "baseline-server" => await BaselineServer.RunAsync(arguments),
        "load" => await LoadCommand.RunAsync(arguments),
        "seed" => await SeedAsync(arguments),
        _ => throw new UsageException("unknown command"),
    };
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync($"{e.Message}\n{Usage}");
    return 64;
}

static async Task<int> SeedAsync(Arguments arguments)
{
    var path = Path.GetFullPath(arguments.Required("sqlite"));
    arguments.ThrowIfUnread();
    await BenchDatabase.CreateAsync(path, CancellationToken.None);
    Console.WriteLine($"seeded {path}");
    return 0;
}
