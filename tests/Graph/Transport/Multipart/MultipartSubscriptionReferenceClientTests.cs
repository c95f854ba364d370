using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Multipart;

/// <summary>Apollo Client's HttpLink, which streams subscriptions as multipart HTTP responses, against the real server.</summary>
public sealed class MultipartSubscriptionReferenceClientTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    [Fact]
    public Task Generate_StreamedByApolloHttpLink_EveryChunkInOrderAndTheSameTextStored() =>
        ReferenceClients.GenerateStreamsEveryChunkAndStoresTheSameTextAsync(server, ReferenceClients.ApolloMultipart);

    [Fact]
    public Task Generation_TwoLateViewersOneAfterAnIndex_SeeTheSameSequence() =>
        ReferenceClients.LateJoinersSeeTheSameSequenceAsync(server, ReferenceClients.ApolloMultipart);
}
