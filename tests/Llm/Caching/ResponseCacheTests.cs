using System.Diagnostics.Metrics;
using LlmPlatform.Data.Entities;
using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Telemetry;
using LlmPlatform.Testing.Stubs;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Llm.Tests.Caching;

public sealed class ResponseCacheTests(CachingHost host) : IClassFixture<CachingHost>
{
    [Fact]
    public async Task SecondIdenticalDeterministicGeneration_CallsNoProvider_AndStreamsTheSameTextWithGapFreeIndexes()
    {
        var prompt = Unique("what is two plus two?");

        var first = await host.GenerateAsync(prompt);
        var second = await host.GenerateAsync(prompt);

        Assert.Equal(1, host.CallsFor(prompt));
        Assert.IsType<GenerationStarted>(second[0]);
        var chunks = second.OfType<TokenChunk>().ToList();
        Assert.NotEmpty(chunks);
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
        Assert.Equal(Text(first), Text(second));
        Assert.Equal(string.Concat(StubServer.DefaultTokens), Text(second));
        var completed = Assert.IsType<GenerationCompleted>(second[^1]);
        var stored = await host.ReadAsync(db => db.Messages.SingleAsync(m => m.Id == completed.MessageId));
        Assert.Equal(Text(first), stored.Content);
        Assert.Equal(FinishReason.Stop, stored.FinishReason);
    }

    [Fact]
    public async Task Hit_IsRecordedInUsageAsCachedAtNoCost_WithTheRepliesTokens()
    {
        var prompt = Unique("name a colour");

        var first = Assert.IsType<GenerationCompleted>((await host.GenerateAsync(prompt))[^1]);
        var second = Assert.IsType<GenerationCompleted>((await host.GenerateAsync(prompt))[^1]);

        var rows = await host.ReadAsync(db => db.UsageEvents.Where(u => u.GenerationId == first.GenerationId || u.GenerationId == second.GenerationId).ToListAsync());
        var original = rows.Single(u => u.GenerationId == first.GenerationId);
        var replayed = rows.Single(u => u.GenerationId == second.GenerationId);
        Assert.False(original.Cached);
        Assert.True(original.Cost > 0, "the provider's call has a price");
        Assert.True(replayed.Cached);
        Assert.Equal(0m, replayed.Cost);
        Assert.Equal((original.PromptTokens, original.CompletionTokens, original.TokensEstimated), (replayed.PromptTokens, replayed.CompletionTokens, replayed.TokensEstimated));
        Assert.Equal(GenerationStatus.Completed, replayed.Status);
        Assert.True(second.Usage.Cached);
        Assert.Equal(0m, second.Usage.Cost);
        Assert.False(first.Usage.Cached);
    }

    [Fact]
    public async Task Lookups_AreCountedAsMissThenHit_ByProviderAndModel()
    {
        var meter = host.Get<LlmMetrics>().Meter;
        var lookups = new List<(string? Provider, string? Model, string? Result)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter && instrument.Name == "llmplatform.cache.lookups")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var all = tags.ToArray();
            string? Tag(string name) => all.FirstOrDefault(t => t.Key == name).Value?.ToString();
            lock (lookups)
                lookups.Add((Tag(LlmMetrics.TagNames.Provider), Tag(LlmMetrics.TagNames.Model), Tag(LlmMetrics.TagNames.Result)));
        });
        listener.Start();
        var prompt = Unique("count my lookups");

        await host.GenerateAsync(prompt);
        await host.GenerateAsync(prompt);
        await host.GenerateAsync(Unique("not deterministic"), temperature: 1);

        lock (lookups)
            Assert.Equal([(host.Provider, host.Model, "miss"), (host.Provider, host.Model, "hit")], lookups);
    }

    [Fact]
    public async Task TemperatureAboveZero_NeverHits()
    {
        var prompt = Unique("tell me a joke");

        await host.GenerateAsync(prompt, temperature: 0.5);
        var again = await host.GenerateAsync(prompt, temperature: 0.5);

        Assert.Equal(2, host.CallsFor(prompt));
        Assert.False(Assert.IsType<GenerationCompleted>(again[^1]).Usage.Cached);
    }

    [Fact]
    public async Task RequestWithoutCache_NeverHits_AndRequestOptOutOverridesThePersona()
    {
        var plain = Unique("no cache asked");
        await host.GenerateAsync(plain, cache: null);
        await host.GenerateAsync(plain, cache: null);

        var personaId = await AddPersonaAsync(cacheResponses: true);
        var optedOut = Unique("persona caches, request does not");
        await host.GenerateAsync(optedOut, cache: false, personaId: personaId, useHostProvider: false);
        await host.GenerateAsync(optedOut, cache: false, personaId: personaId, useHostProvider: false);

        Assert.Equal(2, host.CallsFor(plain));
        Assert.Equal(2, host.CallsFor(optedOut));
    }

    [Fact]
    public async Task PersonaThatCachesResponses_HitsWithoutTheRequestAsking()
    {
        var personaId = await AddPersonaAsync(cacheResponses: true);
        var prompt = Unique("persona opted in");

        await host.GenerateAsync(prompt, temperature: null, cache: null, personaId: personaId, useHostProvider: false);
        var again = await host.GenerateAsync(prompt, temperature: null, cache: null, personaId: personaId, useHostProvider: false);

        Assert.Equal(1, host.CallsFor(prompt));
        Assert.True(Assert.IsType<GenerationCompleted>(again[^1]).Usage.Cached);
    }

    [Fact]
    public async Task UsersOwnKeys_NeverShareEntries_WithEachOtherOrWithTheServersKey()
    {
        var prompt = Unique("a question several people ask");
        var withKey = await AddUserAsync();
        var otherWithKey = await AddUserAsync();
        var withoutKey = await AddUserAsync();
        await host.Get<ProviderKeyStore>().SetAsync(withKey, host.Provider, "sk-user-one-0000000000000001", default);
        await host.Get<ProviderKeyStore>().SetAsync(otherWithKey, host.Provider, "sk-user-two-0000000000000002", default);

        await host.GenerateAsync(prompt, user: withKey);
        await host.GenerateAsync(prompt, user: otherWithKey);
        await host.GenerateAsync(prompt, user: withoutKey);
        var sameUserAgain = await host.GenerateAsync(prompt, user: withKey);

        Assert.Equal(3, host.CallsFor(prompt));
        Assert.True(Assert.IsType<GenerationCompleted>(sameUserAgain[^1]).Usage.Cached);
    }

    [Fact]
    public async Task FailedReply_IsNotStored()
    {
        var prompt = Unique("this one breaks");
        host.Stub.Enqueue(StubFault.DropAfter(2));

        var failed = await host.GenerateAsync(prompt);
        var retried = await host.GenerateAsync(prompt);

        Assert.IsType<GenerationFailed>(failed[^1]);
        Assert.Equal(2, host.CallsFor(prompt));
        Assert.False(Assert.IsType<GenerationCompleted>(retried[^1]).Usage.Cached);
    }

    private static string Unique(string prompt) => $"{prompt} ({Guid.NewGuid():N})";

    private static string Text(IEnumerable<GenerationEvent> events) => string.Concat(events.OfType<TokenChunk>().Select(c => c.Text));

    private Task<Guid> AddUserAsync() => host.ReadAsync(async db =>
    {
        var id = Guid.NewGuid();
        db.Users.Add(new PlatformUser { Id = id, UserName = "u-" + id.ToString("N"), SecurityStamp = id.ToString(), CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return id;
    });

    private Task<Guid> AddPersonaAsync(bool cacheResponses) => host.ReadAsync(async db =>
    {
        var persona = new Persona
        {
            Id = Guid.CreateVersion7(),
            Name = "Deterministic",
            SystemPrompt = "Answer exactly.",
            DefaultProvider = host.Provider,
            DefaultModel = host.Model,
            Temperature = 0,
            CacheResponses = cacheResponses,
            OwnerId = LocalUser.Id,
            CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow,
        };
        db.Personas.Add(persona);
        await db.SaveChangesAsync();
        return persona.Id;
    });
}
