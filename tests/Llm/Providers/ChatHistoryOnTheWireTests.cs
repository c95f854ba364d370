using LlmPlatform.Data.Seeding;
using LlmPlatform.Llm.Generation;
using Microsoft.EntityFrameworkCore;

namespace LlmPlatform.Llm.Tests.Providers;

/// <summary>An openai-compatible provider that also offers a model with the smallest context window allowed.</summary>
public sealed class SmallContextHost : OpenAICompatibleHost
{
    public const string TinyModel = "tiny";

    protected override IEnumerable<KeyValuePair<string, string?>> ProviderSettings =>
    [
        new($"Llm:Providers:{Provider}:Models:{TinyModel}:ContextWindow", "256"),
        new($"Llm:Providers:{Provider}:Models:{TinyModel}:MaxOutputTokens", "32"),
    ];
}

/// <summary>What the provider is sent, read from the request the stub received.</summary>
public sealed class ChatHistoryOnTheWireTests(SmallContextHost host) : IClassFixture<SmallContextHost>
{
    [Fact]
    public async Task Generate_InAConversation_SendsThePersonasSystemPromptFirst_ThenEveryEarlierTurnInOrder_ThenThePrompt()
    {
        host.Stub.Reset();
        var conversation = await TalkAsync(host.Model, "Q1: what is a fox?", "Q2: and a dog?", "Q3: and a cat?");

        var persona = await host.ReadAsync(db => db.Personas.SingleAsync(p => p.Id == BuiltInPersonas.HelpfulAssistantId));
        Assert.Equal(
            [
                ("system", persona.SystemPrompt),
                ("user", "Q1: what is a fox?"),
                ("assistant", "Hello, wide world!"),
                ("user", "Q2: and a dog?"),
                ("assistant", "Hello, wide world!"),
                ("user", "Q3: and a cat?"),
            ],
            host.Stub.Requests[^1].Messages);
        Assert.Equal(6, await host.ReadAsync(db => db.Messages.CountAsync(m => m.ConversationId == conversation)));
    }

    [Fact]
    public async Task Generate_HistoryLargerThanTheContextWindow_DropsTheOldestTurns_AndKeepsTheSystemPromptAndThePrompt()
    {
        host.Stub.Reset();
        // About 45 tokens a prompt and 60 a reply: in 256 - 32 tokens, the system prompt, the new prompt and
        // the last exchange fit, the first exchange does not.
        host.Stub.ReportUsage = false;
        host.Stub.Tokens = [.. Enumerable.Repeat(" word", 60)];
        var reply = string.Concat(host.Stub.Tokens);
        string Prompt(int i) => $"Q{i}:" + string.Concat(Enumerable.Repeat(" apple", 40));

        await TalkAsync(SmallContextHost.TinyModel, Prompt(1), Prompt(2), Prompt(3));

        var sent = host.Stub.Requests[^1].Messages;
        Assert.Equal("system", sent[0].Role);
        Assert.Equal([("user", Prompt(2)), ("assistant", reply), ("user", Prompt(3))], sent.Skip(1));
        // The earlier requests, when it all still fit, carried the first exchange.
        Assert.Contains(("user", Prompt(1)), host.Stub.Requests[^2].Messages);
    }

    /// <summary>Sends the prompts one after another in one conversation, each after the previous reply is stored.</summary>
    private async Task<Guid> TalkAsync(string model, params string[] prompts)
    {
        Guid? conversation = null;
        foreach (var prompt in prompts)
        {
            var started = await host.StartAsync(prompt, conversation, model: model);
            Assert.IsType<GenerationCompleted>((await host.WatchAllAsync(started.GenerationId))[^1]);
            conversation = started.ConversationId;
        }
        return conversation!.Value;
    }
}
