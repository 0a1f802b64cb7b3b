using EvSwap.Archive;
using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// A station's raw messages on their way to the archive. Messages collect in the open batch; a batch is sealed
/// when it reaches a size or age threshold, or when the boot or UTC date changes (so every object holds one boot
/// and one date partition, and its key stays a pure function of its content). Sealed batches wait in order
/// until the archive has them: a failed write keeps them here, never drops them.
/// </summary>
public sealed class TelemetryBuffer(ArchiveOptions options)
{
    private readonly Queue<TelemetryBatch> _sealed = new();
    private List<BufferedMessage> _open = [];
    private string? _stationId;
    private DateOnly _openDate;
    private DateTimeOffset _openedAt;
    private int _openBytes;
    private long _sealedBytes;

    public int OpenCount => _open.Count;
    public int SealedCount => _sealed.Count;

    /// <summary>Raw bytes held in memory, open and sealed; the grain refuses new messages when this passes the bound.</summary>
    public long PendingBytes => _openBytes + _sealedBytes;

    public bool HasSealed => _sealed.Count > 0;

    public void Add(string stationId, BufferedMessage message, DateTimeOffset now)
    {
        var date = DateOnly.FromDateTime(message.Ts.UtcDateTime);
        if (_open.Count > 0 && (message.Boot != _open[0].Boot || date != _openDate))
        {
            Seal();
        }

        if (_open.Count == 0)
        {
            _stationId = stationId;
            _openDate = date;
            _openedAt = now;
        }

        _open.Add(message);
        _openBytes += message.Payload.Length;
        if (_open.Count >= options.MaxBatchMessages || _openBytes >= options.MaxBatchBytes)
        {
            Seal();
        }
    }

    /// <summary>Seals the open batch when it has waited <see cref="ArchiveOptions.MaxBatchAge"/>.</summary>
    public void SealIfOlderThanMaxAge(DateTimeOffset now)
    {
        if (_open.Count > 0 && now - _openedAt >= options.MaxBatchAge)
        {
            Seal();
        }
    }

    public void Seal()
    {
        if (_open.Count == 0)
        {
            return;
        }

        _sealed.Enqueue(new TelemetryBatch(_stationId!, _open[0].Boot, _openDate, _open));
        _sealedBytes += _openBytes;
        _open = [];
        _openBytes = 0;
    }

    public TelemetryBatch PeekSealed() => _sealed.Peek();

    /// <summary>Called once the archive confirmed the oldest sealed batch.</summary>
    public void CompleteSealed()
    {
        var batch = _sealed.Dequeue();
        _sealedBytes -= batch.Messages.Sum(m => (long)m.Payload.Length);
    }

    /// <summary>Everything not yet archived, oldest first, for history queries.</summary>
    public IReadOnlyList<ArchivedMessage> Snapshot()
    {
        var result = new List<ArchivedMessage>(_open.Count);
        foreach (var batch in _sealed)
        {
            result.AddRange(batch.Messages.Select(ToArchived));
        }

        result.AddRange(_open.Select(ToArchived));
        return result;
    }

    private static ArchivedMessage ToArchived(BufferedMessage m) =>
        new(m.Boot, m.Seq, m.Ts, m.ReceivedAt, System.Text.Encoding.UTF8.GetString(m.Payload));
}
