using System.Diagnostics.Metrics;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Keys;
using LlmPlatform.Llm.Telemetry;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Llm.Tests.Providers.Balancing;

/// <summary>Round robin over two deployments, and the cool-down that passes over one that failed.</summary>
public sealed class RoundRobinTests(BalancingHost host) : IClassFixture<BalancingHost>
{
    [Fact]
    public async Task TenGenerations_AreSpreadFiveAndFive_AndCountedPerDeployment()
    {
        // Past any cool-down another test of this class left.
        host.Clock.Advance(BalancingHost.CoolDown + TimeSpan.FromSeconds(1));
        host.Reset();
        var picks = new List<(string? Provider, string? Deployment)>();
        using var listener = Listen<long>("llmplatform.provider.deployment.requests", (value, tag) =>
        {
            lock (picks)
            {
                for (var i = 0; i < value; i++)
                    picks.Add((tag(LlmMetrics.TagNames.Provider), tag(LlmMetrics.TagNames.Deployment)));
            }
        });

        for (var i = 0; i < 10; i++)
        {
            var completed = await host.RunAsync($"spread {i}");
            Assert.Equal((host.Provider, 1), (completed.Usage.Provider, completed.Usage.Attempts));
        }

        Assert.Equal((5, 5), (host.StubA.Requests.Count, host.StubB.Requests.Count));
        // Each deployment calls with its own key.
        Assert.All(host.StubA.Requests, r => Assert.Equal("sk-east", StubServer.KeyOf(r)));
        Assert.All(host.StubB.Requests, r => Assert.Equal("sk-west", StubServer.KeyOf(r)));
        lock (picks)
        {
            Assert.Equal(5, picks.Count(p => p == (host.Provider, BalancingHost.A)));
            Assert.Equal(5, picks.Count(p => p == (host.Provider, BalancingHost.B)));
        }
    }

    [Fact]
    public async Task DeploymentAnswering500_FailsOverToTheOther_IsNotCalledDuringItsCoolDown_AndIsUsedAgainAfterIt()
    {
        host.Clock.Advance(BalancingHost.CoolDown + TimeSpan.FromSeconds(1));
        host.Reset();
        host.StubA.Enqueue(StubFault.Status(500));

        // Round robin reaches east within two generations; the one that does fails over to west.
        GenerationCompleted? failedOver = null;
        for (var i = 0; i < 2 && host.StubA.Requests.Count == 0; i++)
            failedOver = await host.RunAsync($"until east fails {i}");
        Assert.Single(host.StubA.Requests);
        Assert.Equal((host.Provider, 2), (failedOver!.Usage.Provider, failedOver.Usage.Attempts));

        // Cooling down: every generation goes to west, without trying east (one attempt each).
        var west = host.StubB.Requests.Count;
        for (var i = 0; i < 4; i++)
        {
            var completed = await host.RunAsync($"while east cools down {i}");
            Assert.Equal(1, completed.Usage.Attempts);
        }
        Assert.Single(host.StubA.Requests);
        Assert.Equal(west + 4, host.StubB.Requests.Count);

        host.Clock.Advance(BalancingHost.CoolDown + TimeSpan.FromSeconds(1));
        for (var i = 0; i < 2; i++)
            await host.RunAsync($"east is back {i}");
        Assert.Equal(2, host.StubA.Requests.Count);
    }

    [Fact]
    public async Task CircuitStateGauge_ListsEachDeploymentsBreaker()
    {
        await host.RunAsync("one call, so both breakers exist");
        await host.RunAsync("and another");
        var states = new List<(string? Provider, string? Deployment, int State)>();
        using var listener = Listen<int>("llmplatform.provider.circuit.state",
            (value, tag) => states.Add((tag(LlmMetrics.TagNames.Provider), tag(LlmMetrics.TagNames.Deployment), value)));

        listener.RecordObservableInstruments();

        Assert.Contains((host.Provider, BalancingHost.A, 0), states);
        Assert.Contains((host.Provider, BalancingHost.B, 0), states);
    }

    [Fact]
    public async Task UserWithAKeyOfTheirOwn_CallsTheFirstDeploymentsEndpointWithIt_NotBalanced()
    {
        host.Clock.Advance(BalancingHost.CoolDown + TimeSpan.FromSeconds(1));
        host.Reset();
        var user = await host.AddUserAsync();
        const string key = "sk-user-balanced-000000000001";
        await host.Get<ProviderKeyStore>().SetAsync(user, host.Provider, key, default);

        for (var i = 0; i < 2; i++)
            Assert.Equal(1, (await host.RunAsync($"with my own key {i}", user)).Usage.Attempts);

        // The provider has no endpoint of its own: the first deployment's serves users' keys, every time.
        Assert.Equal(2, host.StubA.Requests.Count);
        Assert.All(host.StubA.Requests, r => Assert.Equal(key, StubServer.KeyOf(r)));
        Assert.Empty(host.StubB.Requests);
    }

    /// <summary>Listens to one instrument of the host's meter; <paramref name="record"/> gets each value and a tag reader.</summary>
    private MeterListener Listen<T>(string instrumentName, Action<T, Func<string, string?>> record)
        where T : struct
    {
        var meter = host.Get<LlmMetrics>().Meter;
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter && instrument.Name == instrumentName)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<T>((_, value, tags, _) =>
        {
            var all = tags.ToArray();
            record(value, name => all.FirstOrDefault(t => t.Key == name).Value?.ToString());
        });
        listener.Start();
        return listener;
    }
}
