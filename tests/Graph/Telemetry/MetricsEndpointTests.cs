using System.Net;
using System.Net.Sockets;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Telemetry;

/// <summary>Where Prometheus text is served: its path, the port it answers on, and never publicly in Production.</summary>
public sealed class MetricsEndpointTests
{
    public sealed class OnItsOwnPort(OnItsOwnPort.Server server) : IClassFixture<OnItsOwnPort.Server>
    {
        [Fact]
        public async Task Metrics_OnTheConfiguredPortAndPath_AreServedAsPrometheusText()
        {
            (await server.PostGraphQLAsync("query Hello { __typename }", operationName: "Hello")).ShouldHaveNoErrors();
            using var response = await server.Client.GetAsync(new Uri("/ops/metrics", UriKind.Relative));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            var scrape = new PrometheusScrape(await response.Content.ReadAsStringAsync());
            Assert.Equal(1, scrape.Sum("llmplatform_graphql_operation_duration_seconds_count", ("graphql_operation_name", "Hello")));
            using var defaultPath = await server.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, defaultPath.StatusCode);
        }

        public sealed class Server : ProductionServer
        {
            private readonly int _port = FreePort();

            public Server()
            {
                Set("Telemetry:Metrics:Path", "/ops/metrics");
                Set("Telemetry:Metrics:Port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            protected override int Port => _port;
        }
    }

    public sealed class OnAnotherPort(OnAnotherPort.Server server) : IClassFixture<OnAnotherPort.Server>
    {
        [Fact]
        public async Task Metrics_OnAPortOtherThanTheConfiguredOne_AreNotFound_WhateverTheHostHeaderSays()
        {
            using var plain = await server.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
            // A client choosing the Host header of the metrics port still reaches only the public port.
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
            request.Headers.Host = $"127.0.0.1:{server.MetricsPort}";
            using var spoofed = await server.Client.SendAsync(request);

            Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, spoofed.StatusCode);
        }

        public sealed class Server : ConfiguredSqliteServer
        {
            public Server() => Set("Telemetry:Metrics:Port", MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

            public int MetricsPort { get; } = FreePort();
        }
    }

    public sealed class InProductionWithoutAPort(InProductionWithoutAPort.Server server) : IClassFixture<InProductionWithoutAPort.Server>
    {
        [Fact]
        public async Task Metrics_InProductionWithoutAMetricsPort_AreNotServed()
        {
            using var response = await server.Client.GetAsync(new Uri("/metrics", UriKind.Relative));

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        public sealed class Server : ProductionServer;
    }

    public sealed class TelemetryOff(TelemetryOff.Server server) : IClassFixture<TelemetryOff.Server>
    {
        [Fact]
        public async Task Metrics_WithTelemetryDisabled_AreNotServed()
        {
            using var response = await server.Client.GetAsync(new Uri("/metrics", UriKind.Relative));

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        public sealed class Server : ConfiguredSqliteServer
        {
            public Server() => Set("Telemetry:Enabled", "false");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
