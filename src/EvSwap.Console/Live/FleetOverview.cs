using EvSwap.Contracts;

namespace EvSwap.Console;

/// <summary>The fleet at a glance: what the overview page shows, computed from the mirror of the fleet index.</summary>
/// <param name="RunningOut">Online stations with at most the low-availability threshold of charged batteries, fewest first.</param>
public sealed record FleetOverview(
    int Stations, int Online, int Offline, int Alerting, int AvailableCharged, long SwapsToday,
    IReadOnlyList<StationRow> RunningOut, IReadOnlyList<FleetAlert> Alerts)
{
    public static FleetOverview Compute(IEnumerable<StationSummary> summaries, DateTimeOffset now, TimeSpan offlineAfter, int lowAvailability)
    {
        int stations = 0, online = 0, alerting = 0, available = 0;
        long swaps = 0;
        var runningOut = new List<StationRow>();
        var alerts = new List<FleetAlert>();
        foreach (var s in summaries)
        {
            var row = StationRow.Of(s, now, offlineAfter);
            stations++;
            swaps += row.SwapsToday;
            if (row.Online)
            {
                online++;
                available += row.AvailableCharged;
                if (row.AvailableCharged <= lowAvailability)
                {
                    runningOut.Add(row);
                }
            }

            if (row.ActiveAlerts > 0)
            {
                alerting++;
                alerts.AddRange(EvSwap.Grains.StationModel.ActiveAlerts(s.Alerts, s.LastSeen, now, offlineAfter).Select(a => new FleetAlert(s.StationId, a)));
            }
        }

        return new FleetOverview(
            stations, online, stations - online, alerting, available, swaps,
            [.. runningOut.OrderBy(r => r.AvailableCharged).ThenBy(r => r.StationId, StringComparer.Ordinal)],
            [.. alerts.OrderByDescending(a => a.Alert.Since).ThenBy(a => a.StationId, StringComparer.Ordinal)]);
    }
}
