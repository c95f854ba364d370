using GraphQL.Types;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Llm.Keys;

namespace LlmPlatform.Graph.Providers;

/// <summary>The result of a provider key mutation: the key's status afterwards, or why nothing changed.</summary>
/// <param name="Removed">For a removal: whether there was a key to delete.</param>
public sealed record ProviderKeyPayload(ProviderKeyStatus? ProviderKey, bool Removed, IReadOnlyList<UserError> UserErrors)
{
    public static ProviderKeyPayload Failed(params UserError[] errors) => new(null, false, errors);
}

public abstract class ProviderKeyPayloadGraphType : ObjectGraphType<ProviderKeyPayload>
{
    protected ProviderKeyPayloadGraphType(string name, string mutation, string providerKeyDescription)
    {
        Name = name;
        Description = $"The result of `{mutation}`.";
        Field<ProviderKeyStatusGraphType>("providerKey").Description(providerKeyDescription).Resolve(ctx => ctx.Source.ProviderKey);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("userErrors")
            .Description("Why nothing changed; empty on success.")
            .Resolve(ctx => ctx.Source.UserErrors);
    }
}

public sealed class SetProviderKeyPayloadGraphType()
    : ProviderKeyPayloadGraphType("SetProviderKeyPayload", "setProviderKey", "The key's status as stored; null when there are user errors.");

public sealed class RemoveProviderKeyPayloadGraphType : ProviderKeyPayloadGraphType
{
    public RemoveProviderKeyPayloadGraphType()
        : base("RemoveProviderKeyPayload", "removeProviderKey", "The key's status now (not set); null when there are user errors.")
    {
        Field<NonNullGraphType<BooleanGraphType>>("removed").Description("True when a key was deleted; false when you had none for this provider.")
            .Resolve(ctx => ctx.Source.Removed);
    }
}
