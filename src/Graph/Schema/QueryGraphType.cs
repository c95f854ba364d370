using LlmPlatform.Graph.Users;
using LlmPlatform.Graph.Analytics;
using GraphQL.Types;
using LlmPlatform.Graph.Conversations;
using LlmPlatform.Graph.Generation;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Providers;

namespace LlmPlatform.Graph.Schema;

public sealed class QueryGraphType : ObjectGraphType
{
    public QueryGraphType()
    {
        Name = "Query";
        Description = "Everything a client can read.";
        this.AddNodeQueries();
        this.AddUserQueries();
        this.AddPersonaQueries();
        this.AddConversationQueries();
        this.AddGenerationQueries();
        this.AddProviderQueries();
        this.AddUsageQueries();
        this.AddAnalyticsEventQueries();
    }
}
