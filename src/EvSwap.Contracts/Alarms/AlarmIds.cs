namespace EvSwap.Contracts;

/// <summary>
/// Alarm ids are a pure function of what raised them: <c>{station}.{kind}.{slot|station}.{origin}</c>, where origin is
/// the (boot, seq) of the message that raised it (<c>b7s18231</c>) or, for clock-driven alarms, the time it refers to.
/// A redelivered or replayed message therefore raises the same id, which the alarm store already holds.
/// </summary>
public static class AlarmIds
{
    public const int MaxLength = 200;

    public static string ForMessage(string stationId, string kind, int? slot, long boot, long seq) =>
        $"{stationId}.{kind}.{Scope(slot)}.b{boot}s{seq}";

    public static string ForTime(string stationId, string kind, int? slot, DateTimeOffset at) =>
        $"{stationId}.{kind}.{Scope(slot)}.t{at.ToUnixTimeMilliseconds()}";

    /// <summary>The station an id belongs to (station ids hold no dots), or null when it is not an alarm id.</summary>
    public static string? StationOf(string id)
    {
        if (id.Length > MaxLength)
        {
            return null;
        }

        var dot = id.IndexOf('.');
        if (dot <= 0)
        {
            return null;
        }

        var station = id[..dot];
        return TelemetryTopic.IsValidStationId(station) && id.Count(c => c == '.') == 3 ? station : null;
    }

    private static string Scope(int? slot) => slot is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "station";
}
