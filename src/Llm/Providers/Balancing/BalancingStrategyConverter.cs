using System.ComponentModel;
using System.Globalization;

namespace LlmPlatform.Llm.Providers.Balancing;

/// <summary>
/// Reads <see cref="BalancingStrategy"/> by member name in any case; anything else (numbers included) reads as no member,
/// which start-up validation refuses by the setting's name. Throwing instead would make the configuration binder drop the
/// whole provider silently (as <see cref="ProviderKindConverter"/> explains).
/// </summary>
public sealed class BalancingStrategyConverter() : EnumConverter(typeof(BalancingStrategy))
{
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text
            ? Enum.GetValues<BalancingStrategy>().Where(s => string.Equals(s.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase)).Cast<BalancingStrategy?>().FirstOrDefault()
                ?? (BalancingStrategy)(-1)
            : base.ConvertFrom(context, culture, value);
}
