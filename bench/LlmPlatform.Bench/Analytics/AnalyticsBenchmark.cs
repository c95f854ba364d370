using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmPlatform.Bench.Auth;
using LlmPlatform.Bench.Cli;
using LlmPlatform.Bench.Runner;
using LlmPlatform.Bench.Streaming;
using Npgsql;

namespace LlmPlatform.Bench.Analytics;

/// <summary>
/// <c>run analytics</c>: a throwaway PostgreSQL, usage rows written with binary COPY, hourly rollups built by the app's own
/// rollup job, then one 30-day <c>usage(groupBy: [DAY, MODEL])</c> with every percentile, asked over GraphQL as an admin
/// from raw rows and from rollups in turn, warm. Writes <c>bench/results/analytics.md</c> with the times, the SQL the app
/// sent (from its EF command log) and PostgreSQL's EXPLAIN ANALYZE of each.
/// </summary>
public static partial class AnalyticsBenchmark
{
    public const string Name = "analytics";

    /// <summary>The measured app's <c>Options</c> in its connection string.</summary>
    public const string JitOff = "-c jit=off";

    public const string Query = """
        query Usage($from: DateTime!, $to: DateTime!, $source: UsageSource!) {
          usage(filter: { from: $from, to: $to, timeZone: "Europe/Berlin", source: $source }, groupBy: [DAY, MODEL]) {
            day model requests succeeded failed cancelled errorRate promptTokens completionTokens cachedShare cost
            latencyP50Ms latencyP95Ms latencyP99Ms timeToFirstTokenP50Ms timeToFirstTokenP95Ms percentilesEstimated
          }
        }
        """;

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static async Task<int> RunAsync(Arguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = new Settings(
            ServerSettings.Read(arguments, Name),
            Events: arguments.Int("events", 1_000_000),
            Days: arguments.Int("days", 35),
            Repetitions: arguments.Int("repetitions", 20),
            Warmup: arguments.Int("warmup", 3));
        arguments.ThrowIfUnread();
        return await Orchestration.RunAsync(cancellationToken =>
            RunAsync(settings, Orchestration.Command(Environment.GetCommandLineArgs()), cancellationToken));
    }

    private static async Task<int> RunAsync(Settings settings, string command, CancellationToken cancellationToken)
    {
        var machine = await Machine.DescribeAsync(cancellationToken);
        var (serverCpus, _) = Orchestration.Pinning(settings.Servers.Pin);
        var workDirectory = Orchestration.CreateWorkDirectory();
        try
        {
            using var backends = await ThrowawayBackends.StartAsync(cancellationToken);
            var database = new NpgsqlConnectionStringBuilder(backends.Postgres) { Database = "llmplatform_analytics" }.ConnectionString;
            await ExecuteAsync(backends.Postgres, "CREATE DATABASE llmplatform_analytics", cancellationToken);
            var now = DateTime.UtcNow;
            var end = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);

            // The first app migrates the database and, once the rows are in, rolls them up with its worker's job, fast.
            var stopwatch = Stopwatch.StartNew();
            long rollups;
            using (var builder = StartApp(settings, workDirectory, database, serverCpus,
                ["Worker__UsageRollups__Interval=00:00:02", "Worker__UsageRollups__MaxHoursPerRun=100000"], out var builderUrl))
            {
                await Orchestration.WaitUntilReadyAsync(builder, builderUrl + "/health/ready", cancellationToken);
                Log($"app migrated the database ({stopwatch.Elapsed.TotalSeconds:0} s); writing {settings.Events:N0} usage rows with binary COPY");
                stopwatch.Restart();
                var written = await UsageEventsCopy.WriteAsync(database, settings.Events, settings.Days, end, cancellationToken);
                await ExecuteAsync(database, "VACUUM ANALYZE \"UsageEvents\"", cancellationToken);
                Log($"{written:N0} rows in {stopwatch.Elapsed.TotalSeconds:0.0} s; waiting for the rollup job");
                stopwatch.Restart();
                rollups = await WaitForRollupsAsync(database, end.AddHours(-1), builder, cancellationToken);
                Log($"{rollups:N0} rollup rows in {stopwatch.Elapsed.TotalSeconds:0.0} s");
            }
            var seconds = stopwatch.Elapsed.TotalSeconds;
            await ExecuteAsync(database, "VACUUM ANALYZE \"UsageRollups\"", cancellationToken);
            await ExecuteAsync(database, "VACUUM ANALYZE \"UsageModelRollups\"", cancellationToken);
            var modelRollups = await CountAsync(database, "UsageModelRollups", cancellationToken);

            // The measured app: default worker settings, its EF command log on so that the report shows the SQL it sent,
            // and PostgreSQL's JIT off for its connections, as the README advises (it spent 0.6 s compiling the wide
            // aggregate of the rollups on the first run, more than the query's target).
            var measured = new NpgsqlConnectionStringBuilder(database) { Options = JitOff }.ConnectionString;
            using var app = StartApp(settings, workDirectory, measured, serverCpus,
                ["Auth__AdminEmails__0=" + BenchAccount.Email, "Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Information"], out var url);
            await Orchestration.WaitUntilReadyAsync(app, url + "/health/ready", cancellationToken);
            var graphql = new Uri(url + "/graphql");
            var admin = await BenchAccount.SignUpAsync(graphql, cancellationToken);

            var localToday = TimeZoneInfo.ConvertTimeFromUtc(end, Berlin).Date;
            var from = TimeZoneInfo.ConvertTimeToUtc(localToday.AddDays(-30), Berlin);
            var to = TimeZoneInfo.ConvertTimeToUtc(localToday, Berlin);
            using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            var sources = new[] { "RAW", "ROLLUPS" };
            var answers = new Dictionary<string, JsonArray>();
            foreach (var source in sources)
                for (var i = 0; i < settings.Warmup; i++)
                    answers[source] = await AskAsync(client, graphql, admin, from, to, source, cancellationToken);
            var check = Compare(answers["RAW"], answers["ROLLUPS"]);
            Log(check);

            var times = sources.ToDictionary(s => s, _ => new List<double>());
            for (var i = 0; i < settings.Repetitions; i++)
                foreach (var source in i % 2 == 0 ? sources : sources.Reverse())
                {
                    var timer = Stopwatch.StartNew();
                    await AskAsync(client, graphql, admin, from, to, source, cancellationToken);
                    times[source].Add(timer.Elapsed.TotalMilliseconds);
                }
            var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Trim() : "unknown";
            Orchestration.ThrowIfExited(app);

            var statements = Statements(app.StandardOutput());
            var plans = new Dictionary<string, string>();
            foreach (var (source, sql) in statements)
                plans[source] = await ExplainAsync(measured, sql, from, to, cancellationToken);
            var report = AnalyticsReport.Write(new AnalyticsReport.Result(
                machine, command, load, settings.Events, settings.Days, rollups, modelRollups, seconds, from, to, answers["RAW"].Count, check,
                times, statements, plans, await ServerVersionAsync(database, cancellationToken)),
                File.Exists(settings.Servers.ResultsFile) ? await File.ReadAllTextAsync(settings.Servers.ResultsFile, cancellationToken) : null);
            await Orchestration.WriteReportAsync(settings.Servers.ResultsFile, report, cancellationToken);
            return 0;
        }
        finally
        {
            Orchestration.DeleteWorkDirectory(workDirectory);
        }
    }

    private static ChildProcess StartApp(
        Settings settings, DirectoryInfo workDirectory, string database, string? cpus, IEnumerable<string> extra, out string url)
    {
        var environment = Orchestration.ServerEnvironment(
            Path.Combine(workDirectory.FullName, "unused.db"), [.. settings.Servers.ServerEnvironment, .. settings.Servers.GraphQLEnvironment, .. extra]);
        environment["ConnectionStrings__Sqlite"] = null;
        environment["ConnectionStrings__Postgres"] = database;
        var port = Orchestration.FreePort();
        url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        return ChildProcess.Start("GraphQL", [Paths.DotnetHost, settings.Servers.GraphQLDll, "--urls", url], cpus,
            Path.GetDirectoryName(settings.Servers.GraphQLDll), environment);
    }

    private static async Task<JsonArray> AskAsync(
        HttpClient client, Uri graphql, BenchAccount admin, DateTime from, DateTime to, string source, CancellationToken cancellationToken)
    {
        var answer = await BenchAccount.PostAsync(client, graphql, admin.Authorization, Query, new JsonObject
        {
            ["from"] = from.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
            ["source"] = source,
        }, cancellationToken);
        if (answer["errors"] is not null || answer["data"]?["usage"] is not JsonArray { Count: > 0 } buckets)
            throw new BenchmarkFailedException($"usage from {source} failed: {answer.ToJsonString()}");
        return buckets;
    }

    /// <summary>Both answers must have the same buckets and counts, tokens and costs; percentiles are compared, not required to match.</summary>
    private static string Compare(JsonArray raw, JsonArray rollups)
    {
        if (raw.Count != rollups.Count)
            throw new BenchmarkFailedException($"raw rows gave {raw.Count} buckets, rollups {rollups.Count}");
        string[] exact = ["day", "model", "requests", "succeeded", "failed", "cancelled", "promptTokens", "completionTokens", "cachedShare"];
        var worst = 0.0;
        for (var i = 0; i < raw.Count; i++)
        {
            foreach (var field in exact)
                if (!JsonNode.DeepEquals(raw[i]![field], rollups[i]![field]))
                    throw new BenchmarkFailedException($"bucket {i}: {field} is {raw[i]![field]} from raw rows, {rollups[i]![field]} from rollups");
            if (Math.Abs((double)raw[i]!["cost"]! - (double)rollups[i]!["cost"]!) > 1e-6)
                throw new BenchmarkFailedException($"bucket {i}: cost {raw[i]!["cost"]} from raw rows, {rollups[i]!["cost"]} from rollups");
            foreach (var field in new[] { "latencyP50Ms", "latencyP95Ms", "latencyP99Ms", "timeToFirstTokenP50Ms", "timeToFirstTokenP95Ms" })
            {
                var (r, e) = ((double)raw[i]![field]!, (double)rollups[i]![field]!);
                worst = Math.Max(worst, Math.Abs(e - r) / r);
            }
        }
        if (rollups.Any(b => !(bool)b!["percentilesEstimated"]!) || raw.Any(b => (bool)b!["percentilesEstimated"]!))
            throw new BenchmarkFailedException("percentilesEstimated is not false from raw rows and true from rollups");
        return $"both sources give the same {raw.Count} buckets, counts, tokens, cached shares and costs; percentile estimates within {worst:P1} of the exact values";
    }

    /// <summary>The usage statements in the app's EF command log: the first from raw rows, the first from rollups (of either level).</summary>
    private static List<(string Source, string Sql)> Statements(string log)
    {
        const string fromRollups = "Rollups\" AS r";
        var lines = log.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("WITH f AS (", StringComparison.Ordinal)).ToList();
        var raw = lines.FirstOrDefault(l => !l.Contains(fromRollups, StringComparison.Ordinal))
            ?? throw new BenchmarkFailedException("the app's log shows no usage statement over raw rows");
        var rolled = lines.FirstOrDefault(l => l.Contains(fromRollups, StringComparison.Ordinal))
            ?? throw new BenchmarkFailedException("the app's log shows no usage statement over rollups");
        return [("RAW", raw), ("ROLLUPS", rolled)];
    }

    /// <summary>
    /// EXPLAIN (ANALYZE, BUFFERS) of a logged statement, its parameters filled in: the zone, the limit, and the range's
    /// ends in order (in this run the rolled-up hours are the whole range, so every pair of instants is from, to).
    /// </summary>
    private static async Task<string> ExplainAsync(string database, string sql, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql, connection);
        var names = ParameterName().Matches(sql).Select(m => m.Value).Distinct().OrderBy(n => int.Parse(n[2..], CultureInfo.InvariantCulture)).ToList();
        var instants = 0;
        foreach (var name in names)
        {
            var number = int.Parse(name[2..], CultureInfo.InvariantCulture);
            object value = number == 0 ? Berlin.Id : number == names.Count - 1 ? 2001 : instants++ % 2 == 0 ? from : to;
            command.Parameters.AddWithValue(name[1..], value);
        }
        // Warm, as the timed requests were.
        await command.ExecuteNonQueryAsync(cancellationToken);
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            plan.Add(reader.GetString(0));
        return string.Join('\n', plan);
    }

    private static async Task<long> WaitForRollupsAsync(string database, DateTime lastHour, ChildProcess app, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(20);
        while (true)
        {
            Orchestration.ThrowIfExited(app);
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT MAX(\"HourStart\"), COUNT(*) FROM \"UsageRollups\"", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (!reader.IsDBNull(0) && reader.GetDateTime(0) >= lastHour)
                return reader.GetInt64(1);
            if (DateTime.UtcNow > deadline)
                throw new BenchmarkFailedException("the rollup job did not catch up within 20 minutes");
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }

    private static async Task<long> CountAsync(string database, string table, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM \"{table}\"", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string> ServerVersionAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        return connection.PostgreSqlVersion.ToString();
    }

    private static void Log(string message) => Orchestration.Log(message);

    [GeneratedRegex(@"@p\d+")]
    private static partial Regex ParameterName();

    private sealed record Settings(ServerSettings Servers, int Events, int Days, int Repetitions, int Warmup);
}
