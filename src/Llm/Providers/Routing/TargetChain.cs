using System.Globalization;
using System.Runtime.CompilerServices;
using LlmPlatform.Llm.Providers.Balancing;
using LlmPlatform.Llm.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmPlatform.Llm.Providers.Routing;

/// <summary>
/// A generation's targets, in order, and its provider call: each target is tried until one sends its first token (or a
/// whole reply with none). A target that fails before that — an error, a timed-out attempt, no token within
/// <see cref="RoutingOptions.FirstTokenTimeout"/>, an open circuit — hands over to the next, and nothing of it reached the
/// viewers. After the first token the reply is that target's to the end: a failure then ends the generation, never a
/// silent switch mid-reply.
/// </summary>
public sealed partial class TargetChain
{
    private readonly LlmMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan _firstTokenTimeout;
    private readonly DeploymentBalancer _balancer;

    internal TargetChain(IReadOnlyList<PreparedTarget> targets, LlmMetrics metrics, ILogger logger, TimeSpan firstTokenTimeout, DeploymentBalancer balancer)
    {
        Targets = targets;
        _metrics = metrics;
        _logger = logger;
        _firstTokenTimeout = firstTokenTimeout;
        _balancer = balancer;
        Serving = targets.FirstOrDefault(t => t.Callable) ?? targets.FirstOrDefault()!;
    }

    public IReadOnlyList<PreparedTarget> Targets { get; }

    /// <summary>
    /// The first target with a service, called or not: the one whose cached replies the request may replay, and the only
    /// one whose reply may be cached for it (a reply of another target is not this target's answer).
    /// </summary>
    public PreparedTarget? Primary => Targets.FirstOrDefault(t => t.Chat.Service is not null);

    /// <summary>The target answering: the first to be called until the call starts, then the one that served or failed last.</summary>
    public PreparedTarget Serving { get; private set; }

    /// <summary>Targets tried so far, skipped ones included.</summary>
    public int Attempts { get; private set; } = 1;

    /// <summary>The same request answered by <paramref name="replay"/> (a cached reply) in the place of <paramref name="target"/>.</summary>
    public TargetChain Replaying(PreparedTarget target, IChatCompletionService replay)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new([target with { Chat = target.Chat with { Service = replay }, SkipReason = null, Deployment = null }], _metrics, _logger, _firstTokenTimeout, _balancer);
    }

    /// <summary>
    /// The reply of the first target that answers. <paramref name="attemptStarting"/> runs before each call (the caller's
    /// idle watch starts again for each target).
    /// </summary>
    public async IAsyncEnumerable<StreamingChatMessageContent> StreamAsync(
        Guid generationId, Action attemptStarting, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attemptStarting);
        var lastCallable = Targets.Select((t, i) => (t, i)).Last(x => x.t.Callable).i;
        for (var i = 0; i <= lastCallable; i++)
        {
            var target = Targets[i];
            (Serving, Attempts) = (target, i + 1);
            if (target.SkipReason is { } skipped)
            {
                FailedOver(generationId, target, skipped);
                continue;
            }
            attemptStarting();
            using var running = target.Deployment is { } deployment ? _balancer.Calling(target.Provider, deployment) : null;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // The last target waits for its first token as long as a generation without a route does.
            if (i < lastCallable)
                attempt.CancelAfter(_firstTokenTimeout);
            var reply = CheckedReply.StreamAsync(target.Chat.Service!, target.History, target.Settings, attempt.Token).GetAsyncEnumerator(attempt.Token);
            var before = new List<StreamingChatMessageContent>();
            string? failure = null;
            try
            {
                while (await reply.MoveNextAsync())
                {
                    before.Add(reply.Current);
                    if (!string.IsNullOrEmpty(reply.Current.Content))
                        break;
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = attempt.IsCancellationRequested ? "first_token_timeout" : ReasonOf(e);
                // The last target's failure is the generation's; a deployment that failed still cools down.
                if (i == lastCallable)
                {
                    await DeploymentFailedAsync(target, failure);
                    throw;
                }
            }
            if (failure is not null)
            {
                await reply.DisposeAsync();
                await DeploymentFailedAsync(target, failure);
                FailedOver(generationId, target, failure);
                continue;
            }
            attempt.CancelAfter(Timeout.InfiniteTimeSpan);
            try
            {
                foreach (var chunk in before)
                    yield return chunk;
                while (await reply.MoveNextAsync())
                    yield return reply.Current;
            }
            finally
            {
                await reply.DisposeAsync();
            }
            yield break;
        }
    }

    private Task DeploymentFailedAsync(PreparedTarget target, string reason) =>
        target.Deployment is { } deployment ? _balancer.FailedAsync(target.Target.Provider, deployment, reason) : Task.CompletedTask;

    private void FailedOver(Guid generationId, PreparedTarget from, string reason)
    {
        _metrics.FailedOver(from.Provider, from.Model, reason);
        LogFailedOver(_logger, generationId, from.Provider, from.Model, reason);
    }

    // A bounded set of values: they label a metric.
    private static string ReasonOf(Exception exception) => exception switch
    {
        ProviderReplyException reply => reply.Code.ToLowerInvariant(),
        _ => ProviderFailure.From(exception) switch
        {
            { Status: { } status } => status.ToString(CultureInfo.InvariantCulture),
            { NeverSent: true } => "circuit_open",
            _ => "error",
        },
    };

    [LoggerMessage(EventId = 3500, Level = LogLevel.Warning, Message = "Generation {GenerationId}: target {Provider}/{Model} failed before its first token ({Reason}); trying the next target")]
    private static partial void LogFailedOver(ILogger logger, Guid generationId, string provider, string model, string reason);
}
