namespace LlmPlatform.Graph.Schema;

/// <summary>An input field that may have been left out, which is not the same as set to null.</summary>
public readonly record struct Optional<T>(bool IsSet, T Value)
{
    public static Optional<T> Of(IDictionary<string, object?> input, string field)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.TryGetValue(field, out var value) ? new(true, (T)Convert(value)!) : default;
    }

    private static object? Convert(object? value) =>
        value is null || value is T ? value : System.Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
}
