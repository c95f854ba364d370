using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Sse;

/// <summary>The reference client of graphql-sse (distinct connections mode, on node's fetch) against the real server.</summary>
public sealed class GraphQLSseReferenceClientTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    [Fact]
    public Task Generate_StreamedByGraphQLSse_EveryChunkInOrderAndTheSameTextStored() =>
        ReferenceClients.GenerateStreamsEveryChunkAndStoresTheSameTextAsync(server, ReferenceClients.GraphQLSse);

    [Fact]
    public Task Generation_TwoLateViewersOneAfterAnIndex_SeeTheSameSequence() =>
        ReferenceClients.LateJoinersSeeTheSameSequenceAsync(server, ReferenceClients.GraphQLSse);

    [Fact]
    public Task Generation_ResumedAfterAnIndex_GetsTheRestAndTheEnd() =>
        ReferenceClients.ResumeAfterAnIndexGetsTheRestAsync(server, ReferenceClients.GraphQLSse);
}
