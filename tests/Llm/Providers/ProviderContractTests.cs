using System.Text.Json;
using LlmPlatform.Data.Entities;
using LlmPlatform.Llm.Generation;
using LlmPlatform.Testing.Stubs;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Llm.Tests.Providers;

/// <summary>
/// What every provider kind must do, each through Semantic Kernel's real connector against a stub server and
/// through the real generation pipeline: stream in order, store what was streamed, report usage honestly, stop
/// the provider's request on cancel, and end every failure with a stored message and a failure event.
/// </summary>
public abstract class ProviderContractTests<THost>(THost host) where THost : StubbedProviderHost
{
    protected THost Host { get; } = host;

    private StubServer Stub => Host.Stub;

    [Fact]
    public async Task Generate_StreamsTheProvidersTokensInOrder_AndStoresTheirConcatenation()
    {
        Reset();
        Stub.Tokens = ["The", " quick", " brown", " fox", " jumps", "."];

        var started = await Host.StartAsync("tell me about foxes");
        var events = await Host.WatchAllAsync(started.GenerationId);

        var chunks = events.OfType<TokenChunk>().ToList();
        Assert.Equal(["The", " quick", " brown", " fox", " jumps", "."], chunks.Select(c => c.Text));
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
        var completed = Assert.IsType<GenerationCompleted>(events[^1]);
        var message = await Host.ReadAsync(db => db.Messages.SingleAsync(m => m.Id == completed.MessageId));
        Assert.Equal("The quick brown fox jumps.", message.Content);
        Assert.Equal(FinishReason.Stop, message.FinishReason);
        Assert.Equal("tell me about foxes", Stub.Requests.Single().Messages[^1].Content);
    }

    [Fact]
    public async Task Generate_ProviderReportsUsage_StoresTheReportedTokensAsNotEstimated()
    {
        Reset();
        Stub.PromptTokens = 1234;
        Stub.CompletionTokens = 567;

        var started = await Host.StartAsync("how many tokens is this?");
        var completed = Assert.IsType<GenerationCompleted>((await Host.WatchAllAsync(started.GenerationId))[^1]);

        Assert.Equal((1234, 567, false), (completed.Usage.PromptTokens, completed.Usage.CompletionTokens, completed.Usage.Estimated));
        var usage = await Host.ReadAsync(db => db.UsageEvents.SingleAsync(u => u.GenerationId == started.GenerationId));
        Assert.Equal((1234, 567, false, GenerationStatus.Completed), (usage.PromptTokens, usage.CompletionTokens, usage.TokensEstimated, usage.Status));
    }

    [Fact]
    public async Task Generate_ProviderReportsNoUsage_CountsTheTokensAndMarksThemEstimated()
    {
        Reset();
        Stub.ReportUsage = false;
        Stub.Tokens = ["one", " two", " three", " four"];

        var started = await Host.StartAsync("count for me");
        var completed = Assert.IsType<GenerationCompleted>((await Host.WatchAllAsync(started.GenerationId))[^1]);

        Assert.True(completed.Usage.Estimated);
        Assert.Equal(4, completed.Usage.CompletionTokens);
        Assert.InRange(completed.Usage.PromptTokens, 5, 100);
        var usage = await Host.ReadAsync(db => db.UsageEvents.SingleAsync(u => u.GenerationId == started.GenerationId));
        Assert.True(usage.TokensEstimated);
        Assert.Equal(completed.Usage.PromptTokens, usage.PromptTokens);
    }

    [Fact]
    public async Task Generate_ProviderStopsAtTheTokenLimit_StoresFinishReasonLength()
    {
        Reset();
        Stub.FinishReason = "length";

        var started = await Host.StartAsync("write a long essay", maxTokens: 5);
        var completed = Assert.IsType<GenerationCompleted>((await Host.WatchAllAsync(started.GenerationId))[^1]);

        Assert.Equal(FinishReason.Length, await Host.ReadAsync(db => db.Messages.Where(m => m.Id == completed.MessageId).Select(m => m.FinishReason).SingleAsync()));
    }

    [Fact]
    public async Task Cancel_MidReply_AbortsTheProvidersHttpRequest_AndStoresThePartialReply()
    {
        Reset();
        Stub.Tokens = [.. Enumerable.Range(0, 500).Select(i => $" w{i}")];
        Stub.TokenDelay = TimeSpan.FromMilliseconds(10);

        var started = await Host.StartAsync("never stop talking");
        var events = await Host.WatchAllAsync(started.GenerationId, e =>
        {
            if (e is TokenChunk { Index: 2 })
                Assert.True(Host.Get<ActiveGenerations>().Cancel(started.GenerationId));
        });

        var request = Stub.Requests.Single();
        await request.Aborted.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(request.Completed);
        var completed = Assert.IsType<GenerationCompleted>(events[^1]);
        var message = await Host.ReadAsync(db => db.Messages.SingleAsync(m => m.Id == completed.MessageId));
        Assert.Equal(FinishReason.Cancelled, message.FinishReason);
        Assert.Equal(string.Concat(events.OfType<TokenChunk>().Select(c => c.Text)), message.Content);
        Assert.InRange(events.OfType<TokenChunk>().Count(), 3, 100);
    }

    [Fact]
    public async Task Provider429_EndsWithGenerationFailed_AStoredEmptyReplyAndAFailedUsageRow()
    {
        Reset();
        Stub.Enqueue(StubFault.Status(429, retryAfter: "30"));

        var failed = await FailAsync("too many", GenerationErrorCodes.ProviderRateLimited);

        Assert.Contains("429", failed.Message, StringComparison.Ordinal);
        Assert.Equal("", await StoredErrorReplyAsync(failed));
    }

    [Fact]
    public async Task Provider500_EndsWithGenerationFailed_AStoredEmptyReplyAndAFailedUsageRow()
    {
        Reset();
        Stub.Enqueue(StubFault.Status(500));

        var failed = await FailAsync("server error");

        Assert.Contains("500", failed.Message, StringComparison.Ordinal);
        Assert.Equal("", await StoredErrorReplyAsync(failed));
    }

    [Fact]
    public async Task ProviderSendsNoBytes_TheIdleTimeoutEndsTheGeneration_AndAbortsTheRequest()
    {
        Reset();
        Stub.Enqueue(StubFault.Stall());

        var failed = await FailAsync("anyone there?", GenerationErrorCodes.ProviderTimeout);

        Assert.Contains("sent nothing", failed.Message, StringComparison.Ordinal);
        Assert.Equal("", await StoredErrorReplyAsync(failed));
        await Stub.Requests.Single().Aborted.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ProviderStallsMidReply_TheIdleTimeoutEndsTheGeneration_WithThePartialReplyStored()
    {
        Reset();
        Stub.Enqueue(StubFault.Stall(afterTokens: 2));

        var failed = await FailAsync("tell me slowly", GenerationErrorCodes.ProviderTimeout);

        Assert.Contains("sent nothing", failed.Message, StringComparison.Ordinal);
        Assert.Equal("Hello,", await StoredErrorReplyAsync(failed));
        await Stub.Requests.Single().Aborted.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ConnectionDropsMidReply_EndsWithGenerationFailed_AndThePartialReplyStored()
    {
        Reset();
        Stub.Enqueue(StubFault.DropAfter(2));

        var failed = await FailAsync("tell me everything");

        Assert.Contains("connection to the provider was lost", failed.Message, StringComparison.Ordinal);
        Assert.Equal("Hello,", await StoredErrorReplyAsync(failed));
    }

    [Fact]
    public async Task ReplyEndsWithoutSayingItFinished_EndsAsTruncated_WithThePartialReplyStoredAsFailed()
    {
        Reset();
        Stub.Enqueue(StubFault.TruncateAfter(3));

        var failed = await FailAsync("cut me off", GenerationErrorCodes.ProviderTruncated);

        Assert.Equal("Hello, wide", await StoredErrorReplyAsync(failed));
    }

    [Fact]
    public async Task InBandErrorMidReply_EndsAsProviderError_WithThePartialReplyStoredAsFailed()
    {
        Reset();
        Stub.Enqueue(StubFault.ErrorAfter(2));

        var failed = await FailAsync("crash mid-way", InBandErrorCode);

        Assert.Equal("Hello,", await StoredErrorReplyAsync(failed));
    }

    /// <summary>What an in-band error ends as: PROVIDER_ERROR where the connector keeps the error for us to see.</summary>
    protected virtual string InBandErrorCode => GenerationErrorCodes.ProviderError;

    [Fact]
    public async Task ApiKey_AppearsInNoEventStoredRowOrLog_EvenWhenTheProviderQuotesItInAnError()
    {
        Reset();
        var ok = await Host.StartAsync("hello");
        var events = await Host.WatchAllAsync(ok.GenerationId);
        // Some servers echo the key they refused; the connector puts their error text in its exception message.
        Stub.Enqueue(StubFault.Status(401, body: $$$"""{"error":{"message":"Incorrect API key provided: {{{StubbedProviderHost.ApiKey}}}","type":"invalid_request_error","code":"invalid_api_key"}}"""));
        var refused = await Host.StartAsync("hello again");
        var refusedEvents = await Host.WatchAllAsync(refused.GenerationId);
        Assert.Contains("401", Assert.IsType<GenerationFailed>(refusedEvents[^1]).Message, StringComparison.Ordinal);
        events.AddRange(refusedEvents);
        Stub.Enqueue(StubFault.DropAfter(1));
        var dropped = await Host.StartAsync("and again");
        events.AddRange(await Host.WatchAllAsync(dropped.GenerationId));

        var stored = await Host.ReadAsync(async db => JsonSerializer.Serialize(new
        {
            Messages = await db.Messages.AsNoTracking().ToListAsync(),
            Usage = await db.UsageEvents.AsNoTracking().ToListAsync(),
            Conversations = await db.Conversations.AsNoTracking().Select(c => new { c.Id, c.Title }).ToListAsync(),
        }));
        var published = string.Join('\n', events.Select(e => JsonSerializer.Serialize<object>(e)));
        Assert.DoesNotContain(StubbedProviderHost.ApiKey, published, StringComparison.Ordinal);
        Assert.DoesNotContain(StubbedProviderHost.ApiKey, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(StubbedProviderHost.ApiKey, Host.Logs.Text, StringComparison.Ordinal);
        // The search above means something only if the logs hold the failures and the requests' headers.
        Assert.Contains("401", Host.Logs.Text, StringComparison.Ordinal);
        Assert.Contains("Request Headers", Host.Logs.Text, StringComparison.Ordinal);
        Assert.Contains(Stub.Requests, r => r.Headers.Values.Any(v => v.Contains(StubbedProviderHost.ApiKey, StringComparison.Ordinal)));
    }

    /// <summary>Runs a generation that must fail, and returns its failure event after checking the common shape.</summary>
    protected async Task<GenerationFailed> FailAsync(string prompt, string code = GenerationErrorCodes.ProviderError)
    {
        var started = await Host.StartAsync(prompt);
        var events = await Host.WatchAllAsync(started.GenerationId);
        var failed = Assert.IsType<GenerationFailed>(events[^1]);
        Assert.Equal(code, failed.Code);
        Assert.NotNull(failed.MessageId);
        Assert.Equal(string.Concat(events.OfType<TokenChunk>().Select(c => c.Text)),
            await Host.ReadAsync(db => db.Messages.Where(m => m.Id == failed.MessageId).Select(m => m.Content).SingleAsync()));
        Assert.Equal(GenerationStatus.Failed,
            await Host.ReadAsync(db => db.UsageEvents.Where(u => u.GenerationId == started.GenerationId).Select(u => u.Status).SingleAsync()));
        return failed;
    }

    /// <summary>The stored reply of a failed generation (checked to be marked ERROR).</summary>
    protected async Task<string> StoredErrorReplyAsync(GenerationFailed failed)
    {
        ArgumentNullException.ThrowIfNull(failed);
        var message = await Host.ReadAsync(db => db.Messages.SingleAsync(m => m.Id == failed.MessageId));
        Assert.Equal(FinishReason.Error, message.FinishReason);
        return message.Content;
    }

    private void Reset() => Stub.Reset();
}

public sealed class OpenAIProviderTests(OpenAIHost host) : ProviderContractTests<OpenAIHost>(host), IClassFixture<OpenAIHost>
{
    [Fact]
    public async Task Generate_SendsTheKeyAsBearer_TheModel_AndAsksForTheUsageChunk()
    {
        Host.Stub.Reset();
        var started = await Host.StartAsync("hello", maxTokens: 77, topP: 0.5);
        await Host.WatchAllAsync(started.GenerationId);

        var request = Host.Stub.Requests.Single();
        Assert.Equal("/v1/chat/completions", request.PathAndQuery);
        Assert.Equal($"Bearer {StubbedProviderHost.ApiKey}", request.Headers["Authorization"]);
        Assert.Equal("gpt-stub", request.Json.GetProperty("model").GetString());
        Assert.True(request.Json.GetProperty("stream").GetBoolean());
        Assert.True(OpenAICompatibleStub.AskedForUsage(request), request.Body);
        Assert.Equal(77, request.Json.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(0.5, request.Json.GetProperty("top_p").GetDouble());
    }
}

public sealed class AzureOpenAIProviderTests(AzureOpenAIHost host) : ProviderContractTests<AzureOpenAIHost>(host), IClassFixture<AzureOpenAIHost>
{
    [Fact]
    public async Task Generate_CallsTheDeployment_WithTheKeyInApiKey_AndAsksForTheUsageChunk()
    {
        Host.Stub.Reset();
        var started = await Host.StartAsync("hello", maxTokens: 77, topP: 0.5);
        await Host.WatchAllAsync(started.GenerationId);

        var request = Host.Stub.Requests.Single();
        Assert.Equal("stub-deployment", request.Deployment);
        Assert.Contains("api-version=", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(StubbedProviderHost.ApiKey, request.Headers["api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.True(OpenAICompatibleStub.AskedForUsage(request), request.Body);
        Assert.Equal(77, request.Json.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.5, request.Json.GetProperty("top_p").GetDouble());
    }
}

public sealed class OpenAICompatibleProviderTests(OpenAICompatibleHost host) : ProviderContractTests<OpenAICompatibleHost>(host), IClassFixture<OpenAICompatibleHost>
{
    [Fact]
    public async Task Generate_PostsUnderTheConfiguredBaseUrl_WithTheKeyAsBearer_AndAsksForTheUsageChunk()
    {
        Host.Stub.Reset();
        var started = await Host.StartAsync("hello", topP: 0.5);
        await Host.WatchAllAsync(started.GenerationId);

        var request = Host.Stub.Requests.Single();
        Assert.Equal("/v1/chat/completions", request.PathAndQuery);
        Assert.Equal($"Bearer {StubbedProviderHost.ApiKey}", request.Headers["Authorization"]);
        Assert.Equal("qwen-stub", request.Json.GetProperty("model").GetString());
        Assert.Equal(0.5, request.Json.GetProperty("top_p").GetDouble());
        Assert.True(OpenAICompatibleStub.AskedForUsage(request), request.Body);
    }
}

public sealed class OllamaProviderTests(OllamaHost host) : ProviderContractTests<OllamaHost>(host), IClassFixture<OllamaHost>
{
    // OllamaSharp reads Ollama's error line as an empty chunk and keeps nothing of it: the reply then never says done.
    protected override string InBandErrorCode => GenerationErrorCodes.ProviderTruncated;

    [Fact]
    public async Task Generate_PostsToApiChatUnderTheConfiguredPath_WithTheModelTheTokenLimitAndTheKeyAsBearer()
    {
        Host.Stub.Reset();
        var started = await Host.StartAsync("hello", maxTokens: 77, topP: 0.5);
        await Host.WatchAllAsync(started.GenerationId);

        var request = Host.Stub.Requests.Single();
        Assert.Equal("/ollama/api/chat", request.PathAndQuery);
        Assert.Equal("llama-stub", request.Json.GetProperty("model").GetString());
        Assert.True(request.Json.GetProperty("stream").GetBoolean());
        Assert.Equal(77, request.Json.GetProperty("options").GetProperty("num_predict").GetInt32());
        Assert.Equal(0.5, request.Json.GetProperty("options").GetProperty("top_p").GetDouble());
        Assert.Equal($"Bearer {StubbedProviderHost.ApiKey}", request.Headers["Authorization"]);
    }
}
