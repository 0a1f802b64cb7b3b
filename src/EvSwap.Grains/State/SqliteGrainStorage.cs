using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Orleans.Storage;

namespace EvSwap.Grains;

/// <summary>
/// Grain state in one SQLite file, for the local profile's many small grains (batteries): a grain's write is confirmed
/// only once it is committed and synced, but the writes of all grains waiting at that moment share one transaction
/// and one fsync (group commit). A file per grain costs an fsync and a rename per write, which a fleet of new
/// batteries pays 160,000 times. ETags follow the contract of the other providers: a write or clear with a stale
/// ETag fails with <see cref="InconsistentStateException"/> and changes nothing.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly string _name;
    private readonly string _connectionString;
    private readonly IGrainStorageSerializer _serializer;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    /// <param name="path">The database file; its directory is created.</param>
    public SqliteGrainStorage(string name, string path, IGrainStorageSerializer serializer)
    {
        _name = name;
        _serializer = serializer;
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        using (var connection = Open())
        {
            Execute(connection, """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS grains (key TEXT PRIMARY KEY, etag TEXT NOT NULL, state BLOB NOT NULL) WITHOUT ROWID;
                """);
        }

        _writer = Task.Run(WriteLoopAsync);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = Open();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT etag, state FROM grains WHERE key = $key";
        select.Parameters.AddWithValue("$key", KeyOf(stateName, grainId));
        await using var reader = await select.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            GrainStates.Found<T>(grainState, _serializer.Deserialize<T>(new BinaryData((byte[])reader.GetValue(1))), reader.GetString(0));
        }
        else
        {
            GrainStates.Absent(grainState);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var etag = Guid.NewGuid().ToString("N");
        var write = new PendingWrite(KeyOf(stateName, grainId), grainId, grainState.ETag, etag, _serializer.Serialize(grainState.State).ToArray());
        await EnqueueAsync(write);
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await EnqueueAsync(new PendingWrite(KeyOf(stateName, grainId), grainId, grainState.ETag, newETag: null, state: null));
        GrainStates.Absent(grainState);
    }

    /// <summary>
    /// Moves the files of <see cref="FileGrainStorage"/> in <paramref name="directory"/> (how this state was kept
    /// before) into the database, keeping their ETags, so a local data directory carries over; each file is removed
    /// once its state is committed. A grain already in the database keeps its newer state.
    /// </summary>
    /// <returns>How many grains were moved.</returns>
    public int ImportFiles(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var records = FileGrainStorage.ReadAll(directory).ToList();
        using (var connection = Open())
        using (var transaction = connection.BeginTransaction())
        using (var insert = Command(connection, transaction, "INSERT OR IGNORE INTO grains (key, etag, state) VALUES ($key, $etag, $state)", "$key", "$etag", "$state"))
        {
            foreach (var r in records)
            {
                (insert.Parameters[0].Value, insert.Parameters[1].Value, insert.Parameters[2].Value) = (r.Key, r.ETag, r.State);
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        foreach (var r in records)
        {
            File.Delete(r.File);
        }

        return records.Count;
    }

    /// <summary>Takes what is queued to the disk and stops; writes after this fail.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer;
    }

    private async Task EnqueueAsync(PendingWrite write)
    {
        if (!_writes.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException($"SQLite grain storage '{_name}' is closed.");
        }

        await write.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            try
            {
                var refused = Commit(batch);
                foreach (var write in batch)
                {
                    if (refused.TryGetValue(write, out var error))
                    {
                        write.Done.TrySetException(error);
                    }
                    else
                    {
                        write.Done.TrySetResult();
                    }
                }
            }
            catch (Exception ex)
            {
                // Nothing of the batch is stored: every grain in it sees its write fail and keeps its state unconfirmed.
                foreach (var write in batch)
                {
                    write.Done.TrySetException(ex);
                }
            }

            batch.Clear();
        }
    }

    /// <summary>One transaction for the batch; a write whose ETag lost is left out and answered with its error.</summary>
    private Dictionary<PendingWrite, Exception> Commit(List<PendingWrite> batch)
    {
        var refused = new Dictionary<PendingWrite, Exception>();
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var select = Command(connection, transaction, "SELECT etag FROM grains WHERE key = $key", "$key");
        using var upsert = Command(connection, transaction, "INSERT INTO grains (key, etag, state) VALUES ($key, $etag, $state) ON CONFLICT(key) DO UPDATE SET etag = excluded.etag, state = excluded.state", "$key", "$etag", "$state");
        using var delete = Command(connection, transaction, "DELETE FROM grains WHERE key = $key", "$key");
        foreach (var write in batch)
        {
            select.Parameters[0].Value = write.Key;
            var current = select.ExecuteScalar() as string;
            if (current != write.ExpectedETag)
            {
                var operation = write.State is null ? "clear" : "write";
                refused[write] = new InconsistentStateException(
                    $"SQLite storage '{_name}': {operation} of {write.GrainId} with ETag '{write.ExpectedETag ?? "(none)"}' lost to a newer write.", current ?? "", write.ExpectedETag ?? "");
                continue;
            }

            if (write.State is null)
            {
                delete.Parameters[0].Value = write.Key;
                delete.ExecuteNonQuery();
            }
            else
            {
                (upsert.Parameters[0].Value, upsert.Parameters[1].Value, upsert.Parameters[2].Value) = (write.Key, write.NewETag, write.State);
                upsert.ExecuteNonQuery();
            }
        }

        transaction.Commit();
        return refused;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // FULL: each commit is synced before its writes are confirmed (WAL's default, NORMAL, may lose the last commits
        // to a power cut). busy_timeout: the API's readers and the writer share the file.
        Execute(connection, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var p in parameters)
        {
            command.Parameters.Add(new SqliteParameter(p, null));
        }

        command.Prepare();
        return command;
    }

    private static string KeyOf(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    private sealed class PendingWrite(string key, GrainId grainId, string? expectedETag, string? newETag, byte[]? state)
    {
        public string Key => key;
        public GrainId GrainId => grainId;
        public string? ExpectedETag => expectedETag;
        public string? NewETag => newETag;

        /// <summary>Null for a clear.</summary>
        public byte[]? State => state;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
