using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>One grain per battery id: its custody chain, health and anomalies, fed by the station grains.</summary>
public interface IBatteryGrain : IGrainWithStringKey
{
    /// <summary>Applies events not applied before (by <see cref="BatteryEvent.Key"/>); completes once they are stored.</summary>
    Task Apply(IReadOnlyList<BatteryEvent> events);

    /// <summary>The battery as known, or null for a battery no station ever reported.</summary>
    [AlwaysInterleave]
    Task<BatteryView?> GetView();

    /// <param name="after">A position returned as <see cref="BatteryHistoryPage.Next"/>, or null for the oldest.</param>
    [AlwaysInterleave]
    Task<BatteryHistoryPage> GetHistory(string? after, int limit);

    [AlwaysInterleave]
    Task<BatteryPassport?> GetPassport();
}
