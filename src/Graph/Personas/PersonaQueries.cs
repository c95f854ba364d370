using GraphQL;
using GraphQL.MicrosoftDI;
using GraphQL.Types;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Schema;
using LlmPlatform.Graph.Schema.Filtering;
using LlmPlatform.Graph.Schema.Paging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Personas;

public static class PersonaQueries
{
    public static void AddPersonaQueries(this QueryGraphType query)
    {
        query.Field<PersonaGraphType>("persona")
            .Description("A persona by its global id: a built-in one or one of yours; null otherwise.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The persona's global id.")
            .Resolve(ctx => GlobalId.TryDecodeGuid(ctx.GetArgument<string>("id"), PersonaGraphType.TypeName, out var id)
                ? ctx.RequestServices!.GetRequiredService<PersonaByIdDataLoader>().Load(id)
                : null);

        query.Field<NonNullGraphType<ConnectionGraphType<PersonaGraphType, Persona>>, Connection<Persona>>("personas")
            .Description("The personas you can use: the built-in ones and your own.")
            .PagingArguments()
            .Argument<PersonaFilterInputGraphType>("where", "Only the personas that match these conditions.")
            .Argument<ListGraphType<NonNullGraphType<PersonaSortInputGraphType>>>("order", "The order of the list; by name when not given.")
            .Resolve().WithServices<PersonaReader, IOptions<PagingOptions>>()
            .ResolveAsync(async (ctx, personas, paging) => await personas.ListAsync(
                ctx.Where<PersonaFilterInputGraphType, Persona>(),
                ctx.Order<PersonaSortInputGraphType, Persona>(),
                PageRequest.From(ctx, paging.Value),
                ctx.CancellationToken));
    }
}
