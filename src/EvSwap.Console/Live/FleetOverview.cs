using EvSwap.Contracts;

namespace EvSwap.Console;

/// <summary>The fleet at a glance: what the overview page shows, computed from the mirror of the fleet index.</summary>
/// <param name="RunningOutCount">Online stations with at most the low-availability threshold of charged batteries.</param>
/// <param name="RunningOut">The first <see cref="Shown"/> of them, fewest charged batteries first.</param>
/// <param name="MostAvailable">The online stations with the most charged batteries available, most first.</param>
/// <param name="Alerts">The newest <see cref="ShownAlerts"/> of the fleet's <paramref name="AlertCount"/> active alerts.</param>
public sealed record FleetOverview(
    int Stations, int Online, int Offline, int Alerting, int AvailableCharged, long SwapsToday,
    int RunningOutCount, IReadOnlyList<StationRow> RunningOut, IReadOnlyList<StationRow> MostAvailable,
    int AlertCount, IReadOnlyList<FleetAlert> Alerts)
{
    public const int Shown = 20;
    public const int ShownMostAvailable = 10;
    public const int ShownAlerts = 50;

    // On summaries, not rows: only the few stations kept become rows, instead of a row for each of 10,000 per refresh.
    private static readonly IComparer<StationSummary> FewestFirst = Comparer<StationSummary>.Create((a, b) =>
        a.AvailableCharged != b.AvailableCharged ? a.AvailableCharged.CompareTo(b.AvailableCharged) : string.CompareOrdinal(a.StationId, b.StationId));

    private static readonly IComparer<StationSummary> MostFirst = Comparer<StationSummary>.Create((a, b) =>
        a.AvailableCharged != b.AvailableCharged ? b.AvailableCharged.CompareTo(a.AvailableCharged) : string.CompareOrdinal(a.StationId, b.StationId));

    private static readonly IComparer<FleetAlert> NewestFirst = Comparer<FleetAlert>.Create((a, b) =>
        a.Alert.Since != b.Alert.Since ? b.Alert.Since.CompareTo(a.Alert.Since) : string.CompareOrdinal(a.StationId, b.StationId));

    public static FleetOverview Compute(IEnumerable<StationSummary> summaries, DateTimeOffset now, TimeSpan offlineAfter, int lowAvailability)
    {
        int stations = 0, online = 0, alerting = 0, available = 0;
        long swaps = 0;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var runningOut = new TopK<StationSummary>(Shown, FewestFirst);
        var most = new TopK<StationSummary>(ShownMostAvailable, MostFirst);
        var alerts = new TopK<FleetAlert>(ShownAlerts, NewestFirst);
        foreach (var s in summaries)
        {
            stations++;
            swaps += s.SwapsDay == today ? s.SwapsToday : 0;
            if (EvSwap.Grains.StationModel.IsOnline(s.LastSeen, now, offlineAfter))
            {
                online++;
                available += s.AvailableCharged;
                most.Add(s);
                if (s.AvailableCharged <= lowAvailability)
                {
                    runningOut.Add(s);
                }
            }

            var active = EvSwap.Grains.StationModel.ActiveAlerts(s.Alerts, s.LastSeen, now, offlineAfter);
            if (active.Count > 0)
            {
                alerting++;
                foreach (var alert in active)
                {
                    alerts.Add(new FleetAlert(s.StationId, alert));
                }
            }
        }

        List<StationRow> Rows(TopK<StationSummary> kept) => [.. kept.ToList().Select(s => StationRow.Of(s, now, offlineAfter))];
        return new FleetOverview(
            stations, online, stations - online, alerting, available, swaps,
            runningOut.Offered, Rows(runningOut), Rows(most), alerts.Offered, alerts.ToList());
    }
}
