using Orleans.Storage;

namespace EvSwap.Grains;

/// <summary>
/// Grain state as files under a directory, for what the local profile must keep across restarts (alarms): one file
/// per grain, replaced atomically, with the same ETag contract as the other providers. The ETag is stored in the
/// file, so two processes sharing the directory cannot overwrite each other's newer write.
/// </summary>
public sealed class FileGrainStorage(string name, string root, IGrainStorageSerializer serializer) : IGrainStorage
{
    /// <summary>
    /// The ETag check and the write of one file must not interleave; writes of different grains may, so that a fleet
    /// of batteries onboarded at once does not queue every fsync behind one lock.
    /// </summary>
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private volatile bool _rootCreated;

    private SemaphoreSlim LockOf(string path) => _locks[(uint)StringComparer.Ordinal.GetHashCode(path) % (uint)_locks.Length];

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await ReadAsync(PathOf(stateName, grainId));
        if (stored is { } s)
        {
            GrainStates.Found<T>(grainState, serializer.Deserialize<T>(new BinaryData(s.State)), s.ETag);
        }
        else
        {
            GrainStates.Absent(grainState);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var etag = Guid.NewGuid().ToString("N");
        var gate = LockOf(path);
        await gate.WaitAsync();
        try
        {
            CheckETag(path, grainState.ETag, "write", grainId);
            if (!_rootCreated)
            {
                Directory.CreateDirectory(root);
                _rootCreated = true;
            }

            var temp = path + ".tmp";
            await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                var header = System.Text.Encoding.ASCII.GetBytes(etag + "\n");
                await file.WriteAsync(header);
                await file.WriteAsync(serializer.Serialize(grainState.State).ToMemory());
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            gate.Release();
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var gate = LockOf(path);
        await gate.WaitAsync();
        try
        {
            CheckETag(path, grainState.ETag, "clear", grainId);
            File.Delete(path);
        }
        finally
        {
            gate.Release();
        }

        GrainStates.Absent(grainState);
    }

    private void CheckETag(string path, string? expected, string operation, GrainId grainId)
    {
        var current = ReadETag(path);
        if (current != expected)
        {
            throw new InconsistentStateException($"File storage '{name}': {operation} of {grainId} with ETag '{expected ?? "(none)"}' lost to a newer write.", current ?? "", expected ?? "");
        }
    }

    /// <summary>Only the header line: a check before every write must not read the whole state back.</summary>
    private static string? ReadETag(string path)
    {
        Span<byte> head = stackalloc byte[64];
        int read;
        if (!File.Exists(path))
        {
            // A first write is the common case (a battery docked for the first time): no exception for it.
            return null;
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        var newline = head[..read].IndexOf((byte)'\n');
        if (newline < 0)
        {
            throw new InvalidDataException($"File storage: {path} has no ETag header.");
        }

        return System.Text.Encoding.ASCII.GetString(head[..newline]);
    }

    /// <summary>
    /// Every record kept under <paramref name="root"/>, for moving them to another storage: the key as
    /// <c>{stateName}/{grainId}</c>, the ETag, the serialized state and the file it came from.
    /// </summary>
    internal static IEnumerable<(string Key, string ETag, byte[] State, string File)> ReadAll(string root)
    {
        foreach (var file in Directory.GetFiles(root, "*.bin"))
        {
            var bytes = File.ReadAllBytes(file);
            var newline = Array.IndexOf(bytes, (byte)'\n');
            var name = Uri.UnescapeDataString(System.IO.Path.GetFileNameWithoutExtension(file));
            var split = name.IndexOf('_', StringComparison.Ordinal);
            if (newline < 0 || split < 0)
            {
                throw new InvalidDataException($"{file} is not a grain state file (an ETag line, then the state).");
            }

            yield return (name[..split] + "/" + name[(split + 1)..], System.Text.Encoding.ASCII.GetString(bytes, 0, newline), bytes[(newline + 1)..], file);
        }
    }

    private static async Task<(string ETag, byte[] State)?> ReadAsync(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = await File.ReadAllBytesAsync(path);
        var newline = Array.IndexOf(bytes, (byte)'\n');
        return (System.Text.Encoding.ASCII.GetString(bytes, 0, newline), bytes[(newline + 1)..]);
    }

    // Grain ids hold characters a file name cannot ('/'); the escaped form is unique and readable.
    private string PathOf(string stateName, GrainId grainId) =>
        System.IO.Path.Combine(root, Uri.EscapeDataString($"{stateName}_{grainId}") + ".bin");
}
