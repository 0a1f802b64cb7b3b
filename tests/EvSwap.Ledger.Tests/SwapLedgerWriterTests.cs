using EvSwap.Ledger;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EvSwap.Ledger.Tests;

public sealed class SwapLedgerWriterTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-writer-" + Guid.NewGuid().ToString("N"));
    private FailingStore _store = null!;
    private SwapLedgerWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _store = new FailingStore(new SqliteSwapStore(Path.Combine(_dir, "swaps.db"), new LedgerMetrics()));
        _writer = new SwapLedgerWriter(_store, Options.Create(new LedgerOptions { Linger = TimeSpan.FromMilliseconds(100), MaxQueuedRecords = 30 }), new LedgerMetrics(), NullLogger<SwapLedgerWriter>.Instance);
        await _writer.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        // A store still down at the end must not hold the test: the stop budget runs out and the writer gives up.
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _writer.StopAsync(budget.Token);
        await _writer.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_failing_store_is_retried_until_the_records_are_written_and_only_then_the_submission_completes()
    {
        _store.FailNext = 3;
        var record = Swaps.Record("st-retry", 1, Swaps.Noon);
        var written = _writer.Submit([record]);

        await written.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(4, _store.Attempts);
        Assert.Equal([record], await ReadAllAsync("st-retry"));
        Assert.Equal(0, _writer.Queued);
    }

    [Fact]
    public async Task Swaps_of_several_stations_share_one_store_request()
    {
        var submissions = Enumerable.Range(1, 10).Select(i => _writer.Submit([Swaps.Record("st-many-" + i, 1, Swaps.Noon)])).ToList();

        await Task.WhenAll(submissions).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(_store.Attempts <= 2, $"10 records took {_store.Attempts} requests");
    }

    [Fact]
    public void The_writer_refuses_more_than_its_queue_bound_while_the_store_is_down()
    {
        _store.FailNext = int.MaxValue;
        for (var i = 0; i < 30; i++)
        {
            _ = _writer.Submit([Swaps.Record("st-full", i, Swaps.Noon)]);
        }

        Assert.False(_writer.CanAccept(1));
    }

    private async Task<List<SwapRecord>> ReadAllAsync(string station)
    {
        var list = new List<SwapRecord>();
        await foreach (var r in _store.QueryAsync(new SwapQuery(station, null, Swaps.Noon.AddDays(-1), Swaps.Noon.AddDays(1)), CancellationToken.None))
        {
            list.Add(r);
        }

        return list;
    }

    /// <summary>A real store behind a switch that fails the next N writes, as an unreachable backend would.</summary>
    private sealed class FailingStore(ISwapStore inner) : ISwapStore
    {
        public int FailNext { get; set; }

        public int Attempts { get; private set; }

        public Task WriteAsync(IReadOnlyList<SwapRecord> records, CancellationToken cancellationToken)
        {
            Attempts++;
            if (FailNext > 0)
            {
                FailNext--;
                throw new IOException("store unreachable");
            }

            return inner.WriteAsync(records, cancellationToken);
        }

        public IAsyncEnumerable<SwapRecord> QueryAsync(SwapQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);
    }
}
