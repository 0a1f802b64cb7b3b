using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>Reads and writes telemetry batches and dead letters over whichever <see cref="IArchiveStore"/> is configured.</summary>
public sealed class TelemetryArchive(IArchiveStore store)
{
    public IArchiveStore Store => store;

    public Task WriteBatchAsync(TelemetryBatch batch, CancellationToken cancellationToken = default) =>
        store.PutAsync(batch.Key, batch.Content, cancellationToken);

    public Task WriteRejectedAsync(string siloId, IReadOnlyList<RejectedMessage> messages, CancellationToken cancellationToken = default) =>
        store.PutAsync(ArchiveKeys.Rejected(siloId, messages[0].ReceivedAt), ArchiveCodec.EncodeRejected(messages), cancellationToken);

    /// <summary>The station's batches whose date partition lies in [from, to], in (date, boot, firstSeq) order.</summary>
    /// <remarks>
    /// One listing from the first date on, stopped at the first key past <paramref name="to"/>: on S3 that is one
    /// request per 1,000 batches in the range (at least one), however many days the range spans. Listing day by day
    /// cost one request per day, so a station silent since 2020 cost two thousand requests to activate.
    /// </remarks>
    public async Task<IReadOnlyList<BatchRef>> ListBatchesAsync(string stationId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var result = new List<BatchRef>();
        if (from > to)
        {
            return result;
        }

        // Keys of the first date sort after its bare prefix, keys of earlier dates before it.
        var keys = store.ListAsync(ArchiveKeys.StationPrefix(stationId), ArchiveKeys.StationDatePrefix(stationId, from), cancellationToken);
        await foreach (var key in keys.WithCancellation(cancellationToken))
        {
            if (!ArchiveKeys.TryParseBatch(key, out var batch))
            {
                continue;
            }

            if (batch.Date > to)
            {
                break;
            }

            result.Add(batch);
        }

        result.Sort((a, b) => (a.Date, a.Boot, a.FirstSeq).CompareTo((b.Date, b.Boot, b.FirstSeq)));
        return result;
    }

    public async Task<IReadOnlyList<StoredMessage>> ReadBatchAsync(BatchRef batch, CancellationToken cancellationToken = default)
    {
        var content = await store.GetAsync(batch.Key, cancellationToken);
        return content is null ? [] : ArchiveCodec.DecodeBatch(content);
    }

    /// <summary>Every message of the batches as archived messages, with (boot, seq, ts) read from each payload.</summary>
    public async Task<List<ArchivedMessage>> ReadMessagesAsync(BatchRef batch, CancellationToken cancellationToken = default) =>
        [.. (await ReadBatchAsync(batch, cancellationToken)).Select(ToArchived)];

    public static ArchivedMessage ToArchived(StoredMessage message)
    {
        var parsed = System.Text.Json.JsonSerializer.Deserialize(message.Payload, TelemetryJsonContext.Default.TelemetryMessage)!;
        return new ArchivedMessage(parsed.Boot, parsed.Seq, parsed.Ts, message.ReceivedAt, System.Text.Encoding.UTF8.GetString(message.Payload));
    }
}
