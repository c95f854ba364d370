using LlmPlatform.Data;
using LlmPlatform.Graph.Auth;
using LlmPlatform.Graph.Commands;
using LlmPlatform.Graph.Health;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Transport;
using LlmPlatform.Llm;

if (MigrateCommand.IsRequested(args)) return await MigrateCommand.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddData();
builder.AddLlm();
builder.AddAuth();
builder.AddSchema();
builder.AddTransports();
builder.AddHealth();

var app = builder.Build();
app.UseAuth();
app.MapAuth();
app.MapTransports("/graphql");
app.MapHealth();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to tests that host the app in-process.</summary>
public partial class Program;
