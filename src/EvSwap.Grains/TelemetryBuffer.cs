using EvSwap.Archive;
using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// A station's raw messages on their way to the archive, in the order they arrived (late ones included). Messages
/// collect in the open batch; a batch is sealed when it reaches a size or age threshold, or when the boot or UTC date
/// changes (so every object holds one boot
/// and one date partition, and its key stays a pure function of its content). Sealed batches wait in order
/// until the archive has them: a failed write keeps them here, never drops them.
/// </summary>
/// <remarks>
/// At one message per 5 s a batch collects for 20 minutes, 240 snapshots of ~1.6 KB, per station. Held raw that is
/// ~400 KB per station; so the open batch is compressed every <see cref="ChunkMessages"/> messages into a gzip member
/// (snapshots of one station repeat each other and shrink many times), and only the last few messages stay raw.
/// Sealing turns the chunks into the batch's single gzip object.
/// </remarks>
public sealed class TelemetryBuffer(ArchiveOptions options)
{
    public const int ChunkMessages = 16;

    private readonly Queue<TelemetryBatch> _sealed = new();
    private readonly List<byte[]> _chunks = [];
    private readonly List<BufferedMessage> _tail = [];
    private string? _stationId;
    private long _openBoot;
    private DateOnly _openDate;
    private DateTimeOffset _openedAt;
    private DateTimeOffset _openOldestReceivedAt;
    private DateTimeOffset _openEarliestTs;
    private DateTimeOffset _openLatestTs;
    private SeqSet _openSeqs = new();
    private int _openCount;
    private long _openBytes;
    private long _sealedBytes;

    public int OpenCount => _openCount;
    public int SealedCount => _sealed.Count;

    /// <summary>Raw bytes not yet archived, open and sealed; the grain refuses new messages when this passes the bound.</summary>
    public long PendingBytes => _openBytes + _sealedBytes;

    /// <summary>What the buffer occupies in memory: compressed chunks and sealed batches, plus the raw tail.</summary>
    public long HeldBytes => _chunks.Sum(c => (long)c.Length) + _tail.Sum(m => (long)m.Payload.Length) + _sealed.Sum(b => (long)b.Content.Length);

    public bool HasSealed => _sealed.Count > 0;

    /// <summary>The earliest receive time of anything held here, or null when nothing is.</summary>
    public DateTimeOffset? OldestReceivedAt
    {
        get
        {
            DateTimeOffset? oldest = _openCount > 0 ? _openOldestReceivedAt : null;
            foreach (var batch in _sealed)
            {
                if (oldest is null || batch.OldestReceivedAt < oldest)
                {
                    oldest = batch.OldestReceivedAt;
                }
            }

            return oldest;
        }
    }

    public void Add(string stationId, BufferedMessage message, DateTimeOffset now)
    {
        var date = DateOnly.FromDateTime(message.Ts.UtcDateTime);
        if (_openCount > 0 && (message.Boot != _openBoot || date != _openDate))
        {
            Seal();
        }

        if (_openCount == 0)
        {
            _stationId = stationId;
            _openBoot = message.Boot;
            _openDate = date;
            _openedAt = now;
            _openOldestReceivedAt = message.ReceivedAt;
            (_openEarliestTs, _openLatestTs) = (message.Ts, message.Ts);
        }
        else if (message.ReceivedAt < _openOldestReceivedAt)
        {
            _openOldestReceivedAt = message.ReceivedAt;
        }

        _openEarliestTs = message.Ts < _openEarliestTs ? message.Ts : _openEarliestTs;
        _openLatestTs = message.Ts > _openLatestTs ? message.Ts : _openLatestTs;

        _tail.Add(message);
        _openSeqs.Add(message.Seq);
        _openCount++;
        _openBytes += message.Payload.Length;
        if (_tail.Count >= ChunkMessages)
        {
            CompressTail();
        }

        if (_openCount >= options.MaxBatchMessages || _openBytes >= options.MaxBatchBytes)
        {
            Seal();
        }
    }

    /// <summary>Seals the open batch when it has waited <see cref="ArchiveOptions.MaxBatchAge"/>.</summary>
    public void SealIfOlderThanMaxAge(DateTimeOffset now)
    {
        if (_openCount > 0 && now - _openedAt >= options.MaxBatchAge)
        {
            Seal();
        }
    }

    public void Seal()
    {
        if (_openCount == 0)
        {
            return;
        }

        CompressTail();
        // Once per batch, the chunks become one gzip stream: the object is about half the size of the chunks
        // side by side, for a few milliseconds of CPU every MaxBatchAge.
        var content = _chunks.Count == 1 ? _chunks[0] : ArchiveCodec.Recompress(_chunks);
        _sealed.Enqueue(new TelemetryBatch(_stationId!, _openBoot, _openDate, _openSeqs.Ranges, _openCount, _openBytes, content)
        {
            OldestReceivedAt = _openOldestReceivedAt,
            Times = StationTimeSpan.Of(_openEarliestTs, _openLatestTs),
        });
        _sealedBytes += _openBytes;
        _openSeqs = new SeqSet();
        _chunks.Clear();
        _openCount = 0;
        _openBytes = 0;
    }

    public TelemetryBatch PeekSealed() => _sealed.Peek();

    /// <summary>Called once the archive confirmed the oldest sealed batch; returns it.</summary>
    public TelemetryBatch CompleteSealed()
    {
        var batch = _sealed.Dequeue();
        _sealedBytes -= batch.RawBytes;
        return batch;
    }

    /// <summary>True when the message is held here, open or sealed, waiting for the archive.</summary>
    public bool Contains(long boot, long seq)
    {
        if (_openCount > 0 && _openBoot == boot && _openSeqs.Contains(seq))
        {
            return true;
        }

        foreach (var batch in _sealed)
        {
            if (batch.Boot == boot && seq >= batch.FirstSeq && seq <= batch.LastSeq)
            {
                foreach (var range in batch.Seqs)
                {
                    if (range.Contains(seq))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>Everything not yet archived, oldest first, for history queries.</summary>
    public IReadOnlyList<ArchivedMessage> Snapshot()
    {
        var result = new List<ArchivedMessage>(_openCount);
        foreach (var batch in _sealed)
        {
            result.AddRange(ArchiveCodec.DecodeBatch(batch.Content).Select(TelemetryArchive.ToArchived));
        }

        foreach (var chunk in _chunks)
        {
            result.AddRange(ArchiveCodec.DecodeBatch(chunk).Select(TelemetryArchive.ToArchived));
        }

        result.AddRange(_tail.Select(m => new ArchivedMessage(m.Boot, m.Seq, m.Ts, m.ReceivedAt, System.Text.Encoding.UTF8.GetString(m.Payload))));
        return result;
    }

    private void CompressTail()
    {
        if (_tail.Count > 0)
        {
            _chunks.Add(ArchiveCodec.EncodeBatch(_tail));
            _tail.Clear();
        }
    }
}
