namespace EvSwap.Console;

/// <summary>
/// Puts a routable page in the console's navigation: a page is one .razor file with <c>@page</c> and
/// <c>@attribute [ConsolePage("Title", Order = n)]</c>; the menu finds it by this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ConsolePageAttribute(string title) : Attribute
{
    public string Title => title;

    /// <summary>Position in the menu, lowest first.</summary>
    public int Order { get; set; } = 100;
}
