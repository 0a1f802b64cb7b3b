using System.Collections.Concurrent;
using EvSwap.IngestLog;

namespace EvSwap.Bridge;

/// <summary>
/// Hands logged records to their stations again: a station's records in their order, stations in parallel, as the lanes
/// do for live traffic. The stations' delivery logs make it exact: what they hold or archived is a duplicate, what they
/// counted but lost from memory is archived without being counted again.
/// </summary>
public sealed class IngestLogReplay(TelemetryIngestor ingestor, IngestJournal journal)
{
    private const int Parallelism = 64;

    /// <param name="adopt">
    /// The records come from another silo's log: append each to this silo's log first, so this log keeps it until the
    /// archive has it, and return only once those appends are durable (the other log may then be removed).
    /// </param>
    public async Task ReplayAsync(IEnumerable<LogRecord> records, bool adopt, CancellationToken cancellationToken)
    {
        var appends = new ConcurrentQueue<LogAppend>();
        var byStation = records.GroupBy(r => r.Topic, StringComparer.Ordinal);
        await Parallel.ForEachAsync(byStation, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (station, ct) =>
            {
                foreach (var record in station)
                {
                    if (!adopt)
                    {
                        await ingestor.RetryAsync(record.Topic, record.Payload, record.ReceivedAt, ct);
                        continue;
                    }

                    appends.Enqueue(journal.Record(record.Topic, record.Payload, record.ReceivedAt));
                    try
                    {
                        await ingestor.RetryAsync(record.Topic, record.Payload, record.ReceivedAt, ct);
                    }
                    finally
                    {
                        journal.Done(record.ReceivedAt);
                    }
                }
            });

        foreach (var append in appends)
        {
            await append.WaitDurableAsync();
        }
    }
}
