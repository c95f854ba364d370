using LlmPlatform.Data;
using LlmPlatform.Graph.Auth;
using LlmPlatform.Graph.Chat;
using LlmPlatform.Graph.Commands;
using LlmPlatform.Graph.Cors;
using LlmPlatform.Graph.Health;
using LlmPlatform.Graph.Ide;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Telemetry;
using LlmPlatform.Graph.Transport;
using LlmPlatform.Llm;

if (MigrateCommand.IsRequested(args)) return await MigrateCommand.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddData();
builder.AddLlm();
builder.AddAuth();
builder.AddSchema();
builder.AddTransports();
builder.AddCrossOrigin();
builder.AddIde();
builder.AddChat();
builder.AddHealth();
builder.AddTelemetry();

var app = builder.Build();
app.UseCrossOrigin("/graphql", "/connect");
app.UseAuth();
app.MapAuth();
app.MapIde("/graphql");        // a browser's GET (Accept: text/html) gets the explorer
app.MapChat("/chat");
app.MapTransports("/graphql");
app.MapHealth();
app.MapMetrics();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to tests that host the app in-process.</summary>
public partial class Program;
