using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.WebSockets;

/// <summary>The reference client of graphql-transport-ws (graphql-ws, on node's `ws`) against the real server.</summary>
public sealed class GraphQLWsReferenceClientTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    [Fact]
    public Task Generate_StreamedByGraphQLWs_EveryChunkInOrderAndTheSameTextStored() =>
        ReferenceClients.GenerateStreamsEveryChunkAndStoresTheSameTextAsync(server, ReferenceClients.GraphQLWs);

    [Fact]
    public Task Generation_TwoLateViewersOneAfterAnIndex_SeeTheSameSequence() =>
        ReferenceClients.LateJoinersSeeTheSameSequenceAsync(server, ReferenceClients.GraphQLWs);

    [Fact]
    public Task Generation_ResumedAfterAnIndex_GetsTheRestAndTheEnd() =>
        ReferenceClients.ResumeAfterAnIndexGetsTheRestAsync(server, ReferenceClients.GraphQLWs);
}
