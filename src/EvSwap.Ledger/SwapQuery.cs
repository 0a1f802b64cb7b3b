namespace EvSwap.Ledger;

/// <summary>Swaps at or after <paramref name="From"/> and before <paramref name="To"/>, in key order, after the key <paramref name="After"/> (a cursor).</summary>
public sealed record SwapQuery(string? Station, string? Battery, DateTimeOffset From, DateTimeOffset To, string? After = null)
{
    /// <summary>The lowest key a result may have: the later of the range's start and just past the cursor.</summary>
    public string LowerKey => After is not null && string.CompareOrdinal(After, SwapRecord.TimeKey(From)) >= 0 ? After : SwapRecord.TimeKey(From);

    public string UpperKey => SwapRecord.TimeKey(To);

    public bool Matches(SwapRecord r) =>
        (Station is null || r.StationId == Station)
        && (Battery is null || r.BatteryIn == Battery || r.BatteryOut == Battery)
        && string.CompareOrdinal(r.Key, SwapRecord.TimeKey(From)) >= 0
        && string.CompareOrdinal(r.Key, UpperKey) < 0
        && (After is null || string.CompareOrdinal(r.Key, After) > 0);
}
