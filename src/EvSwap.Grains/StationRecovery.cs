using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// Brings a station's stored state up to what its archive holds. State is written behind, so after a crash it can lag
/// the archive: batches written after the last state write are read back, marked archived, and whatever in them was
/// not applied yet is applied, so counters come back exactly instead of being guessed, and nothing in them is archived
/// again.
/// </summary>
public static class StationRecovery
{
    /// <returns>Batches read, and messages in them that were applied now.</returns>
    public static async Task<(int BatchesRead, int Applied)> CatchUpAsync(
        string stationId, StationState state, TelemetryArchive archive, StationOptions options, DateOnly today, CancellationToken cancellationToken, AlarmRuleOptions? alarms = null, BatteryOptions? batteries = null)
    {
        // A message is at most a day older than its arrival (the contract rejects older ones), so a batch written
        // since the last state write lies no earlier than the day before the newest message then known.
        // Everything from that day on is one listing (one request per 1,000 batches), never one per day: a station
        // silent for years costs one request to activate, not one per day since.
        var from = state.HasReported ? DateOnly.FromDateTime(state.LastStationTs.UtcDateTime).AddDays(-1) : today.AddDays(-1);
        var batches = await archive.ListBatchesAsync(stationId, from, DateOnly.MaxValue, cancellationToken);
        var read = 0;
        var applied = 0;
        foreach (var batch in batches.OrderBy(b => b.Boot).ThenBy(b => b.FirstSeq))
        {
            if (state.Delivery.ArchivedWithin(batch.Boot, batch.FirstSeq, batch.LastSeq) >= batch.Count)
            {
                continue;
            }

            read++;
            foreach (var stored in await archive.ReadBatchAsync(batch, cancellationToken))
            {
                var message = JsonSerializer.Deserialize(stored.Payload, TelemetryJsonContext.Default.TelemetryMessage);
                if (message is null)
                {
                    continue;
                }

                if (StationModel.Classify(state, message.Boot, message.Seq, options) == Delivery.New)
                {
                    StationModel.Apply(state, message, stored.Payload, stored.ReceivedAt, options, alarms, batteries);
                    applied++;
                }

                state.Delivery.MarkArchived(message.Boot, new SeqRange(message.Seq, message.Seq), options);
            }
        }

        return (read, applied);
    }
}
