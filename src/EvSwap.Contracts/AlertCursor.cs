namespace EvSwap.Contracts;

/// <summary>
/// Where a page of fleet alerts ends: alerts are ordered by station id, then kind, slot and code, which together name
/// one active alert, so a page continues exactly after the last one it returned even while others come and go.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AlertCursor(
    [property: Id(0)] string StationId,
    [property: Id(1)] string Kind,
    [property: Id(2)] int? Slot,
    [property: Id(3)] string? Code) : IComparable<AlertCursor>
{
    public static AlertCursor Of(FleetAlert alert) => new(alert.StationId, alert.Alert.Kind, alert.Alert.Slot, alert.Alert.Code);

    public int CompareTo(AlertCursor? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = string.CompareOrdinal(StationId, other.StationId);
        c = c != 0 ? c : string.CompareOrdinal(Kind, other.Kind);
        c = c != 0 ? c : Nullable.Compare(Slot, other.Slot);
        return c != 0 ? c : string.CompareOrdinal(Code, other.Code);
    }
}
