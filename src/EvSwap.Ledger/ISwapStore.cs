namespace EvSwap.Ledger;

/// <summary>Where swap records are kept. Writes are idempotent by record id: writing a record again changes nothing.</summary>
public interface ISwapStore
{
    Task WriteAsync(IReadOnlyList<SwapRecord> records, CancellationToken cancellationToken);

    /// <summary>Matching records in key order, read as they are enumerated (never the whole result in memory).</summary>
    IAsyncEnumerable<SwapRecord> QueryAsync(SwapQuery query, CancellationToken cancellationToken);
}
