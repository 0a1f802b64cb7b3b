using EvSwap.Contracts;

namespace EvSwap.Console;

/// <summary>One station as the console's fleet pages show it, derived from its index summary at a moment.</summary>
public sealed record StationRow(
    string StationId, bool Online, DateTimeOffset LastSeen, int AvailableCharged, int Ready, int Charging, int Empty, int Faulted,
    int ActiveAlerts, long SwapsToday)
{
    public string Status => !Online ? "Offline" : ActiveAlerts > 0 ? "Alerting" : "Online";

    public static StationRow Of(StationSummary s, DateTimeOffset now, TimeSpan offlineAfter)
    {
        var online = EvSwap.Grains.StationModel.IsOnline(s.LastSeen, now, offlineAfter);
        var alerts = EvSwap.Grains.StationModel.ActiveAlerts(s.Alerts, s.LastSeen, now, offlineAfter).Count;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return new StationRow(
            s.StationId, online, s.LastSeen, s.AvailableCharged,
            s.SlotCounts.GetValueOrDefault(SlotStates.Ready), s.SlotCounts.GetValueOrDefault(SlotStates.Charging),
            s.SlotCounts.GetValueOrDefault(SlotStates.Empty), s.SlotCounts.GetValueOrDefault(SlotStates.Fault),
            alerts, s.SwapsDay == today ? s.SwapsToday : 0);
    }
}
