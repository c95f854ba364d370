using LlmPlatform.Data.Seeding;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Graph.Tests.Providers;

/// <summary>
/// Two server instances on one PostgreSQL database share the Data Protection key ring stored there: a key set
/// through one is unprotected, and used, by the other.
/// </summary>
public sealed class ProviderKeyRingTests(ProviderKeyRingTests.TwoInstances instances) : IClassFixture<ProviderKeyRingTests.TwoInstances>
{
    /// <summary>Instance A, then B, started on one database (each with its own stub provider), B after A.</summary>
    public sealed class TwoInstances : IAsyncLifetime
    {
        private TestDatabase? _database;

        public Instance A { get; private set; } = null!;

        public Instance B { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _database = await TestDatabase.CreatePostgresAsync();
            A = new Instance(_database);
            await A.InitializeAsync();
            B = new Instance(_database);
            await B.InitializeAsync();
        }

        public async Task DisposeAsync()
        {
            if (B is not null)
                await B.DisposeAsync();
            if (A is not null)
                await A.DisposeAsync();
            if (_database is not null)
                await _database.DisposeAsync();
        }
    }

    public sealed class Instance(TestDatabase shared) : StubProviderServer
    {
        protected override Task<TestDatabase> CreateDatabaseCoreAsync() => Task.FromResult(TestDatabase.Borrow(shared));
    }

    [Fact]
    public async Task KeySetThroughOneInstance_IsUsedForGenerationsOnTheOther_BothWays()
    {
        const string First = "sk-set-on-a-1f2e3d4c5b6a";
        const string Second = "sk-set-on-b-a6b5c4d3e2f1";

        (await instances.A.SetKeyAsync(StubProvider.Name, First)).ShouldHaveNoErrors();
        var onB = await instances.B.GenerateAndReadBearerAsync(StubProvider.Name);
        (await instances.B.SetKeyAsync(StubProvider.Name, Second)).ShouldHaveNoErrors();
        var onA = await instances.A.GenerateAndReadBearerAsync(StubProvider.Name);

        Assert.Equal((First, Second), (onB, onA));
        // One ring, made by A at start-up and found there by B: neither keeps keys of its own.
        Assert.Equal(1, await instances.B.ReadAsync(db => db.DataProtectionKeys.CountAsync()));
        Assert.Equal(LocalUser.Id, await instances.A.ReadAsync(db => db.ProviderKeys.Select(k => k.UserId).SingleAsync()));
    }
}
