using System.CommandLine.Parsing;
using System.Globalization;

namespace EvSwap.Simulator;

/// <summary>
/// Durations on the command line: a number with a unit (<c>250ms</c>, <c>5s</c>, <c>1.5m</c>, <c>2h</c>, <c>1d</c>) or a
/// TimeSpan with colons (<c>00:00:05</c>). A bare number is refused: TimeSpan's own parser reads <c>1</c> as one day,
/// which turned <c>--interval 1</c> into a station that reports once a day.
/// </summary>
public static class DurationParser
{
    // Longest suffix first so "5ms" is not read as 5 minutes followed by a stray "s".
    private static readonly (string Suffix, double Seconds)[] Units =
    [
        ("ms", 0.001),
        ("s", 1),
        ("m", 60),
        ("h", 3600),
        ("d", 86400),
    ];

    public static bool TryParse(string? text, out TimeSpan value, out string? error)
    {
        value = default;
        error = null;
        var s = text?.Trim() ?? "";
        if (s.Length == 0)
        {
            error = "a duration is required, e.g. 5s, 1m, 250ms, 2h or 00:00:05.";
            return false;
        }

        if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bare) && double.IsFinite(bare))
        {
            var colons = bare < TimeSpan.MaxValue.TotalSeconds ? $" or {TimeSpan.FromSeconds(bare):c}" : "";
            error = $"'{s}' has no unit: use {s}s{colons} (units: ms, s, m, h, d).";
            return false;
        }

        if (s.Contains(':', StringComparison.Ordinal))
        {
            if (TimeSpan.TryParseExact(s, "c", CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero)
            {
                return true;
            }

            error = $"'{s}' is not a duration: use hh:mm:ss such as 00:00:05, or a number with a unit such as 5s.";
            return false;
        }

        foreach (var (suffix, seconds) in Units)
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(s[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
                && amount * seconds <= TimeSpan.MaxValue.TotalSeconds)
            {
                value = TimeSpan.FromTicks((long)Math.Round(amount * seconds * TimeSpan.TicksPerSecond));
                return true;
            }
        }

        error = $"'{s}' is not a duration: use a number with a unit (250ms, 5s, 1m, 2h, 1d) or hh:mm:ss such as 00:00:05.";
        return false;
    }

    /// <summary>System.CommandLine custom parser: reports a bad value as a parse error with the hint instead of throwing.</summary>
    public static TimeSpan Parse(ArgumentResult result)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (TryParse(token, out var value, out var error))
        {
            return value;
        }

        result.AddError($"{OptionName(result)}: {error}");
        return default;
    }

    /// <summary>The same for an option whose absence means "no limit".</summary>
    public static TimeSpan? ParseOptional(ArgumentResult result) => Parse(result);

    private static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
