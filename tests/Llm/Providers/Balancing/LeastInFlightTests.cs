using LlmPlatform.Data.Queries;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Llm.Tests.Providers.Balancing;

/// <summary>Least in flight: a deployment holding a running call is passed over for the idle one.</summary>
public sealed class LeastInFlightTests(LeastInFlightHost host) : IClassFixture<LeastInFlightHost>
{
    [Fact]
    public async Task DeploymentHoldingAStalledCall_IsPassedOver_WhileTheOtherIsIdle()
    {
        host.Reset();
        host.StubA.Enqueue(StubFault.Stall());
        var started = new List<Guid>();
        try
        {
            // With both idle the turn decides; within two generations one reaches east, and stalls there.
            for (var i = 0; i < 2 && host.StubA.Requests.Count == 0; i++)
            {
                var start = await host.StartAsync($"one of these stalls {i}");
                Assert.Empty(start.Errors);
                started.Add(start.Started!.GenerationId);
                var watch = host.WatchAllAsync(start.Started.GenerationId);
                await Task.WhenAny(watch, host.StubA.WaitForRequestAsync(1, TimeSpan.FromSeconds(20)));
            }
            Assert.Single(host.StubA.Requests);
            var west = host.StubB.Requests.Count;

            // Round robin would send two of these four to east; least in flight sends all to the idle west.
            for (var i = 0; i < 4; i++)
                Assert.Equal(1, (await host.RunAsync($"east is busy {i}")).Usage.Attempts);

            Assert.Single(host.StubA.Requests);
            Assert.Equal(west + 4, host.StubB.Requests.Count);
        }
        finally
        {
            // The stalled call ends with its generation.
            foreach (var id in started)
                await host.Get<GenerationService>().CancelAsync(id, new Viewer(Data.Seeding.LocalUser.Id, false), default);
        }
    }
}
