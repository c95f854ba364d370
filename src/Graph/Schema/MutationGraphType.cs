using LlmPlatform.Graph.Users;
using LlmPlatform.Graph.Analytics;
using LlmPlatform.Graph.Budgets;
using GraphQL;
using GraphQL.Types;
using LlmPlatform.Graph.Conversations;
using LlmPlatform.Graph.Generation;
using LlmPlatform.Graph.Personas;
using LlmPlatform.Graph.Providers;

namespace LlmPlatform.Graph.Schema;

public sealed class MutationGraphType : ObjectGraphType
{
    public MutationGraphType()
    {
        Name = "Mutation";
        Description = "Everything a client can change. Each mutation takes one `input` and returns a payload with `userErrors`.";
        // Every mutation acts for a signed-in user, but those marked AllowAnonymous (register).
        this.Authorize();
        this.AddUserMutations();
        this.AddPersonaMutations();
        this.AddConversationMutations();
        this.AddGenerationMutations();
        this.AddProviderKeyMutations();
        this.AddAnalyticsEventMutations();
        this.AddBudgetMutations();
    }
}
