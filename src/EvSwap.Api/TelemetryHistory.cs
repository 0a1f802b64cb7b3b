using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Contracts;

namespace EvSwap.Api;

/// <summary>
/// A station's raw history: archived batches in the date partitions of the range plus what its grain still buffers.
/// The buffer is read first: a batch flushed in between then shows up in both, and (boot, seq) de-duplicates it,
/// whereas reading the archive first could miss it in both.
/// </summary>
public sealed class TelemetryHistory(IGrainFactory grains, TelemetryArchive archive)
{
    public async Task<(IReadOnlyList<TelemetryItem> Items, (long Boot, long Seq)? Next)> ReadAsync(
        string stationId, DateTimeOffset from, DateTimeOffset to, (long Boot, long Seq)? after, int limit, CancellationToken cancellationToken)
    {
        var buffered = await grains.GetGrain<IStationGrain>(stationId).GetUnflushedTelemetry();

        var byKey = new SortedDictionary<(long, long), ArchivedMessage>();
        foreach (var m in buffered)
        {
            Add(m);
        }

        var batches = await archive.ListBatchesAsync(stationId, DateOnly.FromDateTime(from.UtcDateTime), DateOnly.FromDateTime(to.UtcDateTime), cancellationToken);
        foreach (var batch in batches.OrderBy(b => b.Boot).ThenBy(b => b.FirstSeq))
        {
            // The key tells the batch's (boot, seq) range: skip objects entirely before the cursor without reading them.
            if (after is { } a && (batch.Boot < a.Boot || (batch.Boot == a.Boot && batch.LastSeq <= a.Seq)))
            {
                continue;
            }

            // The key tells the batch's station times too: an object outside the range is skipped unread, so a page
            // late in a day no longer reads every earlier object of the day first.
            if (!batch.MayOverlap(from, to))
            {
                continue;
            }

            // Batches come in (boot, firstSeq) order, so once a page and one more item sort before this batch, neither
            // it nor any later one can be on this page. Without this stop every page read the rest of the range.
            if (CountBefore((batch.Boot, batch.FirstSeq)) > limit)
            {
                break;
            }

            foreach (var m in await archive.ReadMessagesAsync(batch, cancellationToken))
            {
                Add(m);
            }
        }

        var items = new List<TelemetryItem>(Math.Min(limit, byKey.Count));
        (long, long)? next = null;
        foreach (var ((boot, seq), m) in byKey)
        {
            if (items.Count == limit)
            {
                next = (items[^1].Boot, items[^1].Seq);
                break;
            }

            using var doc = JsonDocument.Parse(m.Payload);
            items.Add(new TelemetryItem(m.Boot, m.Seq, m.Ts, m.ReceivedAt, doc.RootElement.Clone()));
        }

        return (items, next);

        int CountBefore((long Boot, long Seq) key)
        {
            var n = 0;
            foreach (var k in byKey.Keys)
            {
                if (k.CompareTo(key) >= 0 || n > limit)
                {
                    break;
                }

                n++;
            }

            return n;
        }

        void Add(ArchivedMessage m)
        {
            if (m.Ts >= from && m.Ts <= to && (after is not { } c || m.Boot > c.Boot || (m.Boot == c.Boot && m.Seq > c.Seq)))
            {
                byKey.TryAdd((m.Boot, m.Seq), m);
            }
        }
    }
}
