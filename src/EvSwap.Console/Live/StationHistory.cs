using EvSwap.Archive;
using EvSwap.Contracts;

namespace EvSwap.Console;

/// <summary>A station's series and event timeline for its page: the grain's buffer first, then the archive.</summary>
public sealed class StationHistory(IGrainFactory grains, SeriesReader reader)
{
    public async Task<SeriesResult> SeriesAsync(string stationId, string metric, DateTimeOffset from, DateTimeOffset to, long stepSeconds, CancellationToken cancellationToken = default)
    {
        var buffered = await grains.GetGrain<IStationGrain>(stationId).GetUnflushedTelemetry();
        return await reader.ReadAsync(stationId, metric, null, from, to, stepSeconds, buffered, cancellationToken);
    }

    public async Task<IReadOnlyList<SeriesEvent>> EventsAsync(string stationId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var buffered = await grains.GetGrain<IStationGrain>(stationId).GetUnflushedTelemetry();
        return await reader.ReadEventsAsync(stationId, from, to, buffered, cancellationToken);
    }
}
