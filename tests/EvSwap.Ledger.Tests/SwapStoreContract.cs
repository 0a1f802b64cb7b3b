using EvSwap.Ledger;

namespace EvSwap.Ledger.Tests;

/// <summary>What every swap store must do; run against each real store.</summary>
public abstract class SwapStoreContract
{
    protected abstract ISwapStore Store { get; }

    private static string Station() => "st-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<List<SwapRecord>> ReadAsync(SwapQuery query)
    {
        var list = new List<SwapRecord>();
        await foreach (var r in Store.QueryAsync(query, CancellationToken.None))
        {
            list.Add(r);
        }

        return list;
    }

    [Fact]
    public async Task A_record_written_again_is_kept_once_with_every_field()
    {
        var station = Station();
        var record = Swaps.Record(station, 7, Swaps.Noon.AddMilliseconds(123.4567));
        await Store.WriteAsync([record], CancellationToken.None);
        await Store.WriteAsync([record, record], CancellationToken.None);

        var read = await ReadAsync(new SwapQuery(station, null, Swaps.Noon.AddHours(-1), Swaps.Noon.AddHours(1)));
        Assert.Equal([record], read);
    }

    [Fact]
    public async Task Queries_filter_by_station_battery_and_time_and_return_key_order()
    {
        var a = Station();
        var b = Station();
        var battery = "bat-" + Guid.NewGuid().ToString("N")[..8];
        SwapRecord[] records =
        [
            Swaps.Record(a, 3, Swaps.Noon.AddMinutes(30), batteryOut: battery),
            Swaps.Record(a, 1, Swaps.Noon.AddMinutes(-5)),
            Swaps.Record(b, 2, Swaps.Noon.AddMinutes(10), batteryIn: battery),
            Swaps.Record(a, 4, Swaps.Noon.AddHours(3)),
            Swaps.Record(b, 5, Swaps.Noon.AddDays(1).AddMinutes(1), batteryOut: battery),
        ];
        await Store.WriteAsync(records, CancellationToken.None);

        var station = await ReadAsync(new SwapQuery(a, null, Swaps.Noon.AddHours(-1), Swaps.Noon.AddHours(3)));
        Assert.Equal([1L, 3L], station.Select(r => r.Seq));

        var byBattery = await ReadAsync(new SwapQuery(null, battery, Swaps.Noon.AddHours(-1), Swaps.Noon.AddDays(2)));
        Assert.Equal([2L, 3L, 5L], byBattery.Select(r => r.Seq));

        var both = await ReadAsync(new SwapQuery(b, battery, Swaps.Noon.AddHours(-1), Swaps.Noon.AddDays(2)));
        Assert.Equal([2L, 5L], both.Select(r => r.Seq));

        var fleet = (await ReadAsync(new SwapQuery(null, null, Swaps.Noon.AddHours(-1), Swaps.Noon.AddDays(2)))).Where(r => r.StationId == a || r.StationId == b).ToList();
        Assert.Equal([1L, 2L, 3L, 4L, 5L], fleet.Select(r => r.Seq));
        Assert.Equal(fleet.Select(r => r.Key).Order(StringComparer.Ordinal), fleet.Select(r => r.Key));
    }

    [Fact]
    public async Task A_query_after_a_cursor_continues_past_it()
    {
        var station = Station();
        var records = Enumerable.Range(1, 5).Select(i => Swaps.Record(station, i, Swaps.Noon.AddSeconds(i))).ToList();
        await Store.WriteAsync(records, CancellationToken.None);

        var rest = await ReadAsync(new SwapQuery(station, null, Swaps.Noon, Swaps.Noon.AddHours(1), After: records[1].Key));
        Assert.Equal([3L, 4L, 5L], rest.Select(r => r.Seq));
    }
}

public sealed class SqliteSwapStoreTests : SwapStoreContract, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-ledger-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteSwapStore _store;

    public SqliteSwapStoreTests() => _store = new SqliteSwapStore(Path.Combine(_dir, "swaps.db"), new LedgerMetrics());

    protected override ISwapStore Store => _store;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
