using Orleans.Storage;

namespace EvSwap.Grains;

/// <summary>
/// Grain state as files under a directory, for what the local profile must keep across restarts (alarms): one file
/// per grain, replaced atomically, with the same ETag contract as the other providers. The ETag is stored in the
/// file, so two processes sharing the directory cannot overwrite each other's newer write.
/// </summary>
public sealed class FileGrainStorage(string name, string root, IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await ReadAsync(PathOf(stateName, grainId));
        if (stored is { } s)
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(s.State));
            grainState.ETag = s.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var etag = Guid.NewGuid().ToString("N");
        await _lock.WaitAsync();
        try
        {
            await CheckETagAsync(path, grainState.ETag, "write", grainId);
            Directory.CreateDirectory(root);
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
            _lock.Release();
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        await _lock.WaitAsync();
        try
        {
            await CheckETagAsync(path, grainState.ETag, "clear", grainId);
            File.Delete(path);
        }
        finally
        {
            _lock.Release();
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private async Task CheckETagAsync(string path, string? expected, string operation, GrainId grainId)
    {
        var current = (await ReadAsync(path))?.ETag;
        if (current != expected)
        {
            throw new InconsistentStateException($"File storage '{name}': {operation} of {grainId} with ETag '{expected ?? "(none)"}' lost to a newer write.", current ?? "", expected ?? "");
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
