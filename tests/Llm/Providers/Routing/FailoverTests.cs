using System.Diagnostics;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Llm.Limits;
using LlmPlatform.Llm.Telemetry;
using LlmPlatform.Testing.Stubs;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Llm.Tests.Providers.Routing;

/// <summary>A route whose first target fails before its first token, or after it, with the circuits kept closed.</summary>
public sealed class FailoverTests(FailoverHost host) : IClassFixture<FailoverHost>
{
    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    public async Task FirstTargetFailsBeforeItsFirstToken_TheSecondServes_AndUsageNamesItWithTwoAttempts(int status)
    {
        host.Reset();
        host.FirstStub.Enqueue(StubFault.Status(status, retryAfter: status == 429 ? "1" : null));
        var caller = "user:" + Guid.NewGuid();
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LlmActivitySource.Instance.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                lock (spans)
                    spans.Add(span);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var (started, events) = await host.RunAsync("fail over, please", caller);

        // Started names the target called first; the usage the one that served.
        Assert.Equal((FailoverHost.First, FailoverHost.FirstModel), (started.Provider, started.Model));
        var completed = Assert.IsType<GenerationCompleted>(events[^1]);
        Assert.Equal((FailoverHost.Second, FailoverHost.SecondModel, 2), (completed.Usage.Provider, completed.Usage.Model, completed.Usage.Attempts));
        Assert.Equal(StubServer.DefaultTokens, events.OfType<TokenChunk>().Select(c => c.Text));
        Assert.Equal(Enumerable.Range(0, StubServer.DefaultTokens.Count), events.OfType<TokenChunk>().Select(c => c.Index));
        Assert.Equal((1, 1), (host.FirstStub.Requests.Count, host.SecondStub.Requests.Count));
        // The generation's span records the failover where it happened, with the target left and why.
        // It ends just after the final event was published.
        Activity? span = null;
        for (var waited = 0; span is null && waited < 200; waited++)
        {
            lock (spans)
                span = spans.SingleOrDefault(s => (string?)s.GetTagItem("llmplatform.generation.id") == started.GenerationId.ToString());
            if (span is null)
                await Task.Delay(50);
        }
        Assert.NotNull(span);
        var failover = Assert.Single(span.Events, e => e.Name == "llmplatform.provider.failover");
        Assert.Equal(FailoverHost.First, failover.Tags.Single(t => t.Key == LlmMetrics.TagNames.Provider).Value);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), failover.Tags.Single(t => t.Key == LlmMetrics.TagNames.Reason).Value);

        // Stored as served: the usage row (which `usage(groupBy: PROVIDER)` counts) and the generation's row.
        var usage = await host.ReadAsync(db => db.UsageEvents.SingleAsync(u => u.GenerationId == started.GenerationId));
        Assert.Equal((FailoverHost.Second, FailoverHost.SecondModel, 2), (usage.Provider, usage.Model, usage.Attempts));
        var row = await host.ReadAsync(db => db.Generations.SingleAsync(g => g.Id == started.GenerationId));
        Assert.Equal((FailoverHost.Second, FailoverHost.SecondModel), (row.Provider, row.Model));

        // One request charged for the generation, not one per target: two of the three a minute are left.
        var limiter = host.Get<IGenerationRateLimiter>();
        var left = 0;
        while (await limiter.TryAcquireAsync(caller, default) is null && left < FailoverHost.RequestsPerMinute)
            left++;
        Assert.Equal(FailoverHost.RequestsPerMinute - 1, left);
    }

    [Fact]
    public async Task StallBeforeTheFirstToken_FailsOverOnceTheFirstTokenTimeoutPasses_AndAbortsTheStalledCall()
    {
        host.Reset();
        host.FirstStub.Enqueue(StubFault.Stall());

        var (_, events) = await host.RunAsync("first one stalls", "user:" + Guid.NewGuid());

        var completed = Assert.IsType<GenerationCompleted>(events[^1]);
        Assert.Equal((FailoverHost.Second, 2), (completed.Usage.Provider, completed.Usage.Attempts));
        // The stalled call was given up, not left hanging (on a loaded machine it may not have reached the stub at all).
        foreach (var stalled in host.FirstStub.Requests)
            await stalled.Aborted.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(host.SecondStub.Requests);
    }

    [Fact]
    public async Task DropAfterTokensWentOut_EndsAsFailedWithThePartialReplyStored_AndTheSecondTargetIsNeverCalled()
    {
        host.Reset();
        host.FirstStub.Enqueue(StubFault.DropAfter(2));

        var (started, events) = await host.RunAsync("dropped mid-reply", "user:" + Guid.NewGuid());

        var failed = Assert.IsType<GenerationFailed>(events[^1]);
        Assert.Equal((FailoverHost.First, 1), (failed.Usage!.Provider, failed.Usage.Attempts));
        var partial = string.Concat(StubServer.DefaultTokens.Take(2));
        Assert.Equal(partial, string.Concat(events.OfType<TokenChunk>().Select(c => c.Text)));
        var stored = await host.ReadAsync(db => db.Messages.SingleAsync(m => m.Id == failed.MessageId));
        Assert.Equal(partial, stored.Content);
        Assert.Empty(host.SecondStub.Requests);
    }

    [Fact]
    public async Task RequestNamingARouteAndAProvider_OrAnUnknownRoute_IsRefusedWithATypedError_AndWritesNothing()
    {
        var generations = await host.ReadAsync(db => db.Generations.CountAsync());
        var service = host.Get<GenerationService>();

        var both = await service.StartAsync(new GenerationRequest(null, null, "hi", FailoverHost.First, null, null, null, Route: FailoverHost.Route),
            Data.Seeding.LocalUser.Id, "user:" + Guid.NewGuid(), default);
        var unknown = await service.StartAsync(new GenerationRequest(null, null, "hi", null, null, null, null, Route: "no-such-route"),
            Data.Seeding.LocalUser.Id, "user:" + Guid.NewGuid(), default);

        Assert.Equal((GenerationErrorCodes.RouteConflict, "route"), (Assert.Single(both.Errors).Code, both.Errors[0].Field));
        Assert.Equal((GenerationErrorCodes.UnknownRoute, "route"), (Assert.Single(unknown.Errors).Code, unknown.Errors[0].Field));
        Assert.Equal(generations, await host.ReadAsync(db => db.Generations.CountAsync()));
    }
}
