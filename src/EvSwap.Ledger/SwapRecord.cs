using System.Globalization;

namespace EvSwap.Ledger;

/// <summary>One billable swap: what the rider brought, what the rider took, and the energy handed over.</summary>
/// <param name="Id"><c>{station}:{boot}:{seq}:{eventIndex}</c>: the same swap always gets the same id, so a late or redelivered message overwrites its record instead of billing twice.</param>
/// <param name="EnergyKwh">Energy in the battery out minus energy in the battery in; null when either state of charge is unknown.</param>
public sealed record SwapRecord(
    string Id,
    string StationId,
    DateTimeOffset At,
    long Boot,
    long Seq,
    int EventIndex,
    int? SlotIn,
    string? BatteryIn,
    double? SocInPct,
    int? SlotOut,
    string? BatteryOut,
    double? SocOutPct,
    double? EnergyKwh)
{
    /// <summary>Orders the ledger by time, then id; the API's cursor is a key. Fixed width, so strings sort as times.</summary>
    public string Key => KeyOf(At, Id);

    public DateOnly Day => DateOnly.FromDateTime(At.UtcDateTime);

    public static string IdOf(string stationId, long boot, long seq, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{stationId}:{boot}:{seq}:{index}");

    public static string KeyOf(DateTimeOffset at, string id) => TimeKey(at) + "|" + id;

    /// <summary>The key prefix of a time: every key of a swap at or after <paramref name="at"/> sorts at or after it.</summary>
    public static string TimeKey(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The station id inside a record id or key (station ids hold no ':' or '|').</summary>
    public static string StationOfKey(string key)
    {
        var id = key[(key.IndexOf('|') + 1)..];
        return id[..id.IndexOf(':')];
    }

    public static SwapRecord From(string stationId, SwapEvent e, BatteryModels models) => new(
        IdOf(stationId, e.Boot, e.Seq, e.Index),
        stationId,
        e.At,
        e.Boot,
        e.Seq,
        e.Index,
        e.SlotIn,
        e.BatteryIn,
        e.SocInPct,
        e.SlotOut,
        e.BatteryOut,
        e.SocOutPct,
        models.EnergyHandedOver(e));
}
