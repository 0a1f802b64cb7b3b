using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace EvSwap.Ledger;

/// <summary>
/// The local profile's ledger: one SQLite file in the data directory. The record's key is the primary key and its id
/// unique, so a record written twice is ignored; indexes by station and by battery serve the API's filters.
/// </summary>
public sealed class SqliteSwapStore : ISwapStore
{
    private const string Columns = "key, id, station, at, boot, seq, idx, slot_in, battery_in, soc_in, slot_out, battery_out, soc_out, energy_kwh";
    private readonly string _connectionString;
    private readonly LedgerMetrics _metrics;

    public SqliteSwapStore(string path, LedgerMetrics metrics)
    {
        _metrics = metrics;
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        Path = full;
        using var connection = Open();
        using var create = connection.CreateCommand();
        // WAL: API readers never block the writer, nor it them.
        create.CommandText = $"""
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS swaps (
                key TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, station TEXT NOT NULL, at TEXT NOT NULL,
                boot INTEGER NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL,
                slot_in INTEGER, battery_in TEXT, soc_in REAL, slot_out INTEGER, battery_out TEXT, soc_out REAL, energy_kwh REAL);
            CREATE INDEX IF NOT EXISTS swaps_by_station ON swaps (station, key);
            CREATE INDEX IF NOT EXISTS swaps_by_battery_in ON swaps (battery_in, key);
            CREATE INDEX IF NOT EXISTS swaps_by_battery_out ON swaps (battery_out, key);
            """;
        create.ExecuteNonQuery();
    }

    public string Path { get; }

    public async Task WriteAsync(IReadOnlyList<SwapRecord> records, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT OR IGNORE INTO swaps ({Columns}) VALUES ($key, $id, $station, $at, $boot, $seq, $idx, $slotIn, $batteryIn, $socIn, $slotOut, $batteryOut, $socOut, $energy)";
        foreach (var name in new[] { "$key", "$id", "$station", "$at", "$boot", "$seq", "$idx", "$slotIn", "$batteryIn", "$socIn", "$slotOut", "$batteryOut", "$socOut", "$energy" })
        {
            insert.Parameters.Add(new SqliteParameter(name, null));
        }

        foreach (var r in records)
        {
            object?[] values = [r.Key, r.Id, r.StationId, SwapRecord.TimeKey(r.At), r.Boot, r.Seq, r.EventIndex, r.SlotIn, r.BatteryIn, r.SocInPct, r.SlotOut, r.BatteryOut, r.SocOutPct, r.EnergyKwh];
            for (var i = 0; i < values.Length; i++)
            {
                insert.Parameters[i].Value = values[i] ?? DBNull.Value;
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        _metrics.StoreRequest("sqlite", records.Count);
    }

    public async IAsyncEnumerable<SwapRecord> QueryAsync(SwapQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var select = connection.CreateCommand();
        var where = new List<string> { query.After is null ? "key >= $lo" : "key > $lo", "key < $hi" };
        select.Parameters.AddWithValue("$lo", query.LowerKey);
        select.Parameters.AddWithValue("$hi", query.UpperKey);
        if (query.Station is not null)
        {
            where.Add("station = $station");
            select.Parameters.AddWithValue("$station", query.Station);
        }

        if (query.Battery is not null)
        {
            where.Add("(battery_in = $battery OR battery_out = $battery)");
            select.Parameters.AddWithValue("$battery", query.Battery);
        }

        select.CommandText = $"SELECT {Columns} FROM swaps WHERE {string.Join(" AND ", where)} ORDER BY key";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new SwapRecord(
                reader.GetString(1),
                reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetInt32(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetDouble(9),
                reader.IsDBNull(10) ? null : reader.GetInt32(10),
                reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.IsDBNull(12) ? null : reader.GetDouble(12),
                reader.IsDBNull(13) ? null : reader.GetDouble(13));
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
