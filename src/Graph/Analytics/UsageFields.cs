using GraphQL;
using GraphQL.Types;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Users;
using Microsoft.Extensions.DependencyInjection;

namespace LlmPlatform.Graph.Analytics;

/// <summary>The <c>usage</c> fields of the types people look at, each through a batched loader (no statement per item).</summary>
public static class UsageFields
{
    public static void AddPersonaUsage(this ObjectGraphType<Persona> persona) =>
        persona.Field<NonNullGraphType<UsageBucketGraphType>>("usage")
            .Description("This persona's usage over a range: yours (admins: everyone's). Ranges follow `Analytics:MaxRange`.")
            .Argument<NonNullGraphType<UsageRangeInputGraphType>>("range", "The range, UTC.")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<UsageByPersonaIdDataLoader>()
                .Load((ctx.Source.Id, ctx.GetArgument<UsageRangeInput>("range"))));

    public static void AddConversationUsage(this ObjectGraphType<Conversation> conversation) =>
        conversation.Field<NonNullGraphType<UsageBucketGraphType>>("usage")
            .Description("Everything this conversation's generations used, since it began.")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<UsageByConversationIdDataLoader>().Load(ctx.Source.Id));

    public static void AddUserUsage(this ObjectGraphType<UserProfile> user) =>
        user.Field<NonNullGraphType<UsageBucketGraphType>>("usage")
            .Description("This user's usage over a range (yours, or anyone's for an admin; zeros otherwise).")
            .Argument<NonNullGraphType<UsageRangeInputGraphType>>("range", "The range, UTC.")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<UsageByUserIdDataLoader>()
                .Load((ctx.Source.Id, ctx.GetArgument<UsageRangeInput>("range"))));
}
