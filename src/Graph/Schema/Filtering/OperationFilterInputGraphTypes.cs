using GraphQL.Types;

namespace LlmPlatform.Graph.Schema.Filtering;

// The operation inputs carry HotChocolate's names and fields, so `where:` reads the same as on a HotChocolate server.

public sealed class StringOperationFilterInputGraphType : InputObjectGraphType
{
    public StringOperationFilterInputGraphType()
    {
        Name = "StringOperationFilterInput";
        Description = "Conditions on a text field; all that are given must hold. Comparisons are case-sensitive, except `ieq` and `icontains`.";
        Field<StringGraphType>("eq").Description("Equal to.");
        Field<StringGraphType>("neq").Description("Not equal to.");
        Field<StringGraphType>("contains").Description("Contains this text.");
        Field<StringGraphType>("ncontains").Description("Does not contain this text.");
        Field<StringGraphType>("ieq").Description("Equal to, ignoring case: of A-Z on SQLite, of every letter on PostgreSQL (by its locale).");
        Field<StringGraphType>("icontains").Description("Contains this text, ignoring case: of A-Z on SQLite, of every letter on PostgreSQL (by its locale).");
        Field<StringGraphType>("startsWith").Description("Starts with this text.");
        Field<StringGraphType>("nstartsWith").Description("Does not start with this text.");
        Field<StringGraphType>("endsWith").Description("Ends with this text.");
        Field<StringGraphType>("nendsWith").Description("Does not end with this text.");
        Field<ListGraphType<StringGraphType>>("in").Description("Equal to one of these.");
        Field<ListGraphType<StringGraphType>>("nin").Description("Equal to none of these.");
    }
}

public sealed class BooleanOperationFilterInputGraphType : InputObjectGraphType
{
    public BooleanOperationFilterInputGraphType()
    {
        Name = "BooleanOperationFilterInput";
        Description = "Conditions on a true/false field.";
        Field<BooleanGraphType>("eq").Description("Equal to.");
        Field<BooleanGraphType>("neq").Description("Not equal to.");
    }
}

public sealed class IntOperationFilterInputGraphType : ComparableOperationFilterInputGraphType<IntGraphType>
{
    public IntOperationFilterInputGraphType() : base("IntOperationFilterInput", "a whole-number field") { }
}

public sealed class FloatOperationFilterInputGraphType : ComparableOperationFilterInputGraphType<FloatGraphType>
{
    public FloatOperationFilterInputGraphType() : base("FloatOperationFilterInput", "a number field") { }
}

public sealed class DateTimeOperationFilterInputGraphType : ComparableOperationFilterInputGraphType<DateTimeGraphType>
{
    public DateTimeOperationFilterInputGraphType() : base("DateTimeOperationFilterInput", "a point in time") { }
}

public abstract class ComparableOperationFilterInputGraphType<TScalar> : InputObjectGraphType
    where TScalar : ScalarGraphType
{
    protected ComparableOperationFilterInputGraphType(string name, string what)
    {
        Name = name;
        Description = $"Conditions on {what}; all that are given must hold.";
        Field<TScalar>("eq").Description("Equal to.");
        Field<TScalar>("neq").Description("Not equal to.");
        Field<ListGraphType<TScalar>>("in").Description("Equal to one of these.");
        Field<ListGraphType<TScalar>>("nin").Description("Equal to none of these.");
        Field<TScalar>("gt").Description("Greater than.");
        Field<TScalar>("ngt").Description("Not greater than.");
        Field<TScalar>("gte").Description("Greater than or equal to.");
        Field<TScalar>("ngte").Description("Not greater than or equal to.");
        Field<TScalar>("lt").Description("Less than.");
        Field<TScalar>("nlt").Description("Not less than.");
        Field<TScalar>("lte").Description("Less than or equal to.");
        Field<TScalar>("nlte").Description("Not less than or equal to.");
    }
}
