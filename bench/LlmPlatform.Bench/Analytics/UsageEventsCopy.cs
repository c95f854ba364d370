using Npgsql;
using NpgsqlTypes;

namespace LlmPlatform.Bench.Analytics;

/// <summary>
/// Writes the benchmark's usage rows with PostgreSQL's binary COPY: <see cref="Count"/> generations, one every
/// <c>span / count</c>, over <see cref="Days"/> days ending at the last whole hour. 50 users, each with two of six
/// (provider, model) targets and two of twenty personas (or none) that they use at random — people keep to a few models and
/// personas, which is what lets hourly rollups per user, model and persona hold several generations a row. Every status,
/// a sixth without a first token, latencies spread over three decades. Fixed seed: every run writes the same rows.
/// </summary>
public static class UsageEventsCopy
{
    public const int Users = 50;
    public const int Personas = 20;

    public static readonly (string Provider, string Model)[] Targets =
    [
        ("openai", "gpt-4o"), ("openai", "gpt-4o-mini"), ("azure", "gpt-4.1"), ("azure", "gpt-4.1-mini"), ("ollama", "llama3.1:8b"), ("ollama", "qwen2.5:14b"),
    ];

    private static readonly string[] Statuses = ["Completed", "Completed", "Completed", "Completed", "Completed", "Completed", "Failed", "Cancelled"];

    public static async Task<long> WriteAsync(string connectionString, int count, int days, DateTime endUtc, CancellationToken cancellationToken)
    {
        var random = new Random(2026);
        var users = Enumerable.Range(1, Users).Select(i => Guid.Parse($"00000000-0000-4000-8000-{i:D12}")).ToArray();
        var personas = Enumerable.Range(1, Personas).Select(i => (Guid?)Guid.Parse($"9e450000-0000-4000-8000-{i:D12}")).ToArray();
        var start = endUtc.AddDays(-days);
        var step = (endUtc - start).Ticks / count;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY \"UsageEvents\" (\"Id\", \"GenerationId\", \"Provider\", \"Model\", \"PersonaId\", \"ConversationId\", \"UserId\", \"PromptTokens\", " +
            "\"CompletionTokens\", \"TokensEstimated\", \"LatencyMs\", \"TimeToFirstTokenMs\", \"Status\", \"Cached\", \"Cost\", \"CreatedAt\") FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        for (var i = 0; i < count; i++)
        {
            var user = random.Next(Users);
            var (provider, model) = Targets[(user + random.Next(2)) % Targets.Length];
            var persona = random.Next(3) switch { 0 => null, 1 => personas[user % Personas], _ => personas[(user + 7) % Personas] };
            var prompt = random.Next(20, 6000);
            var completion = random.Next(0, 2000);
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(provider, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(model, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(writer, persona, cancellationToken);
            await WriteNullableAsync(writer, random.Next(4) == 0 ? null : Guid.NewGuid(), cancellationToken);
            await writer.WriteAsync(users[user], NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(prompt, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(completion, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(i % 5 == 0, NpgsqlDbType.Boolean, cancellationToken);
            // Log-uniform from 50 ms to 50 s, as replies from short to long are.
            await writer.WriteAsync((int)Math.Round(50 * Math.Pow(1000, random.NextDouble())), NpgsqlDbType.Integer, cancellationToken);
            if (random.Next(6) == 0)
                await writer.WriteNullAsync(cancellationToken);
            else
                await writer.WriteAsync(random.Next(40, 3000), NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(Statuses[random.Next(Statuses.Length)], NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(random.Next(10) == 0, NpgsqlDbType.Boolean, cancellationToken);
            await writer.WriteAsync(Math.Round((prompt * 2.5m + completion * 10m) / 1_000_000m, 8), NpgsqlDbType.Numeric, cancellationToken);
            await writer.WriteAsync(start.AddTicks(step * i), NpgsqlDbType.TimestampTz, cancellationToken);
        }
        return (long)await writer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, Guid? value, CancellationToken cancellationToken)
    {
        if (value is { } id)
            await writer.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
        else
            await writer.WriteNullAsync(cancellationToken);
    }
}
