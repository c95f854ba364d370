using LlmPlatform.Data.Entities;

namespace LlmPlatform.Llm.Tests.Usage;

/// <summary>
/// A known set of usage rows: three users, two providers and three models, two personas and none, four conversations,
/// every status, cached and not, some without a first token, spread over twelve days that hold Europe's and the
/// United States' autumn DST changes (25 October and 1 November 2026), with rows on each side of both changes and on
/// the range's edges.
/// </summary>
public static class UsageSeed
{
    public static readonly DateTime From = new(2026, 10, 22, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime To = new(2026, 11, 3, 0, 0, 0, DateTimeKind.Utc);

    public static readonly Guid Alice = Guid.Parse("0a11ce00-0000-4000-8000-000000000001");
    public static readonly Guid Bob = Guid.Parse("0b0b0000-0000-4000-8000-000000000002");
    public static readonly Guid Carol = Guid.Parse("0ca201e0-0000-4000-8000-000000000003");
    public static readonly Guid[] Users = [Alice, Bob, Carol];

    public static readonly Guid?[] Personas = [null, Guid.Parse("9e450000-0000-4000-8000-00000000000a"), Guid.Parse("9e450000-0000-4000-8000-00000000000b")];
    public static readonly Guid[] Conversations = [.. Enumerable.Range(1, 4).Select(i => Guid.Parse($"c0000000-0000-4000-8000-00000000000{i}"))];
    public static readonly (string Provider, string Model)[] Targets = [("echo", "echo-1"), ("openai", "gpt-4o-mini"), ("openai", "gpt-4o")];

    /// <summary>Instants on the edges that matter: DST changes in Berlin (01:00Z) and New York (06:00Z), the range's ends.</summary>
    private static readonly DateTime[] Edges =
    [
        From, To.AddTicks(-10_000), To, From.AddTicks(-1),
        new(2026, 10, 25, 0, 59, 59, DateTimeKind.Utc), new(2026, 10, 25, 1, 0, 0, DateTimeKind.Utc), new(2026, 10, 25, 0, 30, 0, DateTimeKind.Utc),
        new(2026, 10, 25, 1, 30, 0, DateTimeKind.Utc), new(2026, 11, 1, 5, 59, 59, DateTimeKind.Utc), new(2026, 11, 1, 6, 0, 0, DateTimeKind.Utc),
        new(2026, 11, 1, 5, 30, 0, DateTimeKind.Utc), new(2026, 11, 1, 4, 30, 0, DateTimeKind.Utc), new(2026, 10, 31, 23, 59, 59, 500, DateTimeKind.Utc),
    ];

    public static List<UsageEvent> Events(int count = 600)
    {
        var random = new Random(11);
        var statuses = new[] { GenerationStatus.Completed, GenerationStatus.Completed, GenerationStatus.Completed, GenerationStatus.Failed, GenerationStatus.Cancelled };
        var span = (To - From).TotalSeconds;
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var (provider, model) = Targets[random.Next(Targets.Length)];
            var createdAt = i < Edges.Length ? Edges[i] : From.AddSeconds(Math.Floor(random.NextDouble() * span));
            var conversation = random.Next(Conversations.Length + 1);
            return new UsageEvent
            {
                Id = Guid.NewGuid(),
                GenerationId = Guid.NewGuid(),
                Provider = provider,
                Model = model,
                PersonaId = Personas[random.Next(Personas.Length)],
                ConversationId = conversation < Conversations.Length ? Conversations[conversation] : null,
                UserId = Users[random.Next(Users.Length)],
                PromptTokens = random.Next(1, 5000),
                CompletionTokens = random.Next(0, 2000),
                TokensEstimated = i % 2 == 0,
                // Ties on purpose: percentiles must not depend on which of two equal rows comes first.
                LatencyMs = random.Next(10, 400) * 7,
                TimeToFirstTokenMs = random.Next(6) == 0 ? null : random.Next(1, 900),
                Status = statuses[random.Next(statuses.Length)],
                Cached = random.Next(5) == 0,
                Cost = Math.Round((decimal)random.NextDouble(), 6),
                CreatedAt = createdAt,
            };
        })];
    }
}
