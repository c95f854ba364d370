using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using LlmPlatform.Data;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmPlatform.Graph.Tests.Schema;

/// <summary>
/// A fault (an exception no resolver meant to show) reaches clients masked outside Development, and with its
/// details where they are wanted. The fault: the database context factory throws once the server has started.
/// </summary>
public abstract class ErrorMaskingTests(ErrorMaskingTests.FaultyDatabaseServer server)
{
    // Part of the exception's message: it must never reach a client that is not meant to see details.
    public const string Secret = "Host=db-7f3c.internal;Password=hunter2";

    private const string Query = "query ListPersonas { personas(first: 1) { nodes { name } } }";

    public abstract class FaultyDatabaseServer : ConfiguredSqliteServer
    {
        public ConcurrentQueue<(EventId Id, LogLevel Level, Exception? Exception)> Logs { get; } = new();

        protected override void ConfigureServices(IServiceCollection services)
        {
            var real = services.Last(d => d.ServiceType == typeof(IDbContextFactory<PlatformDbContext>));
            services.Remove(real);
            services.AddSingleton<IDbContextFactory<PlatformDbContext>>(sp => new FailingAfterStartFactory(
                (IDbContextFactory<PlatformDbContext>)ActivatorUtilities.CreateInstance(sp, real.ImplementationType!),
                sp.GetRequiredService<IHostApplicationLifetime>()));
            services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs));
        }
    }

    protected async Task<(HttpStatusCode Status, string Text, JsonObject Body)> QueryAsync()
    {
        using var response = await server.PostGraphQLRawAsync(Query);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text, JsonNode.Parse(text)!.AsObject());
    }

    [Fact]
    public async Task Fault_DuringExecution_AnswersDataNullWith200()
    {
        var (status, text, body) = await QueryAsync();

        // The operation ran (and failed in a non-null field): the spec's `data: null` with a 2xx, not a request error.
        Assert.True(status == HttpStatusCode.OK, $"Got {(int)status}: {text}");
        Assert.Null(body.At("data"));
        Assert.Equal("personas", body.String("errors[0].path[0]"));
    }

    /// <summary>Lets the migration at start-up through, then fails every context asked for.</summary>
    private sealed class FailingAfterStartFactory(IDbContextFactory<PlatformDbContext> inner, IHostApplicationLifetime lifetime)
        : IDbContextFactory<PlatformDbContext>
    {
        public PlatformDbContext CreateDbContext() =>
            lifetime.ApplicationStarted.IsCancellationRequested ? throw Fault() : inner.CreateDbContext();

        public Task<PlatformDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            lifetime.ApplicationStarted.IsCancellationRequested ? throw Fault() : inner.CreateDbContextAsync(cancellationToken);

        private static InvalidOperationException Fault() => new("Could not connect to " + Secret);
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<(EventId, LogLevel, Exception?)> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(logs);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(EventId, LogLevel, Exception?)> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                    logs.Enqueue((eventId, logLevel, exception));
            }
        }
    }
}

public sealed class ErrorMaskingOutsideDevelopmentTests(ErrorMaskingOutsideDevelopmentTests.Server server)
    : ErrorMaskingTests(server), IClassFixture<ErrorMaskingOutsideDevelopmentTests.Server>
{
    public sealed class Server : FaultyDatabaseServer;

    [Fact]
    public async Task Fault_OutsideDevelopment_ReturnsInternalServerErrorCodeWithoutDetails()
    {
        var (_, text, body) = await QueryAsync();

        Assert.Equal(["INTERNAL_SERVER_ERROR"], body.ErrorCodes());
        Assert.Equal("An unexpected error occurred.", body.String("errors[0].message"));
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperation", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("INVALID_OPERATION", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("LlmPlatform", text, StringComparison.Ordinal);
        Assert.False(body.At("errors[0].extensions")!.AsObject().ContainsKey("details"));
    }

    [Fact]
    public async Task Fault_OutsideDevelopment_IsLoggedWithItsException()
    {
        await QueryAsync();

        // 2101: OperationExecutor's fault event; the log keeps what the client was not shown.
        Assert.Contains(server.Logs, log => log.Id.Id == 2101 && log.Level == LogLevel.Error
            && log.Exception is InvalidOperationException e && e.Message.Contains(Secret, StringComparison.Ordinal));
    }
}

public sealed class ErrorMaskingInDevelopmentTests(ErrorMaskingInDevelopmentTests.Server server)
    : ErrorMaskingTests(server), IClassFixture<ErrorMaskingInDevelopmentTests.Server>
{
    public sealed class Server : FaultyDatabaseServer
    {
        protected override string Environment => "Development";
    }

    [Fact]
    public async Task Fault_InDevelopment_ShowsTheExceptionTypeMessageAndStack()
    {
        var (_, _, body) = await QueryAsync();

        var details = body.String("errors[0].extensions.details")!;
        Assert.Contains(Secret, details, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), details, StringComparison.Ordinal);
        Assert.Contains(" at ", details, StringComparison.Ordinal);
        Assert.NotEqual(["INTERNAL_SERVER_ERROR"], body.ErrorCodes());
    }
}

public sealed class ErrorMaskingWithExposedDetailsTests(ErrorMaskingWithExposedDetailsTests.Server server)
    : ErrorMaskingTests(server), IClassFixture<ErrorMaskingWithExposedDetailsTests.Server>
{
    public sealed class Server : FaultyDatabaseServer
    {
        public Server() => Set("GraphQL:ExposeExceptionDetails", "true");
    }

    [Fact]
    public async Task Fault_ExposeExceptionDetailsOutsideDevelopment_ShowsTheExceptionTypeAndMessage()
    {
        var (_, _, body) = await QueryAsync();

        var details = body.String("errors[0].extensions.details")!;
        Assert.Contains(Secret, details, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), details, StringComparison.Ordinal);
    }
}
