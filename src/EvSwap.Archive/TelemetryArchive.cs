using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>Reads and writes telemetry batches and dead letters over whichever <see cref="IArchiveStore"/> is configured.</summary>
/// <param name="seriesSummaries">Also write each batch's <see cref="SeriesSummary"/> (Archive:SeriesSummaries).</param>
/// <param name="summariesNow">
/// False while summaries are to be skipped: the host says so while it stops, so the shutdown flush of every station makes
/// one PUT per batch, as without summaries, within the same stop budget. Readers read a batch without a summary raw.
/// </param>
public sealed class TelemetryArchive(IArchiveStore store, bool seriesSummaries = false, Func<bool>? summariesNow = null)
{
    public IArchiveStore Store => store;

    public bool SeriesSummaries => seriesSummaries;

    /// <summary>
    /// Writes the batch and, when enabled, its series summary, together. A failure of either fails the write, so the
    /// caller retries both (both keys are pure functions of the batch); a summary whose batch never landed is ignored by
    /// readers, which only look for summaries of batches they listed.
    /// </summary>
    public Task WriteBatchAsync(TelemetryBatch batch, CancellationToken cancellationToken = default) =>
        seriesSummaries && (summariesNow?.Invoke() ?? true)
            ? Task.WhenAll(
                store.PutAsync(batch.Key, batch.Content, cancellationToken),
                store.PutAsync(SeriesKeys.For(batch.Key), SeriesCodec.Encode(SeriesSummary.FromBatch(batch)), cancellationToken))
            : store.PutAsync(batch.Key, batch.Content, cancellationToken);

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
