using System.Runtime.CompilerServices;

namespace EvSwap.Archive;

/// <summary>The local archive: one file per key under a root directory, the same layout as the S3 bucket.</summary>
public sealed class FileSystemArchiveStore : IArchiveStore
{
    private readonly string _root;

    public FileSystemArchiveStore(string root)
    {
        _root = Path.GetFullPath(root);
    }

    public string Root => _root;

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Write then rename so a reader (or a crash) never sees half an object, as with S3.
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, content.ToArray(), cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Keys are listed from the deepest directory the prefix names, never from the root.
        var slash = prefix.LastIndexOf('/');
        var directory = slash < 0 ? _root : PathOf(prefix[..slash]);
        if (!Directory.Exists(directory))
        {
            yield break;
        }

        var keys = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(KeyOf)
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask;
    }

    /// <summary>Directories whose keys all sort before <paramref name="startAfter"/> are not entered.</summary>
    public async IAsyncEnumerable<string> ListAsync(string prefix, string startAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var slash = prefix.LastIndexOf('/');
        var directory = slash < 0 ? _root : PathOf(prefix[..slash]);
        if (!Directory.Exists(directory))
        {
            yield break;
        }

        var keys = new List<string>();
        Collect(directory, keys);
        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask;

        void Collect(string dir, List<string> into)
        {
            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                // Every key below starts with this directory's key; if that sorts before startAfter without being a
                // prefix of it, so does every key below.
                var dirKey = KeyOf(sub) + "/";
                if (string.CompareOrdinal(dirKey, startAfter) > 0 || startAfter.StartsWith(dirKey, StringComparison.Ordinal))
                {
                    Collect(sub, into);
                }
            }

            into.AddRange(Directory.EnumerateFiles(dir)
                .Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
                .Select(KeyOf)
                .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(k, startAfter) > 0));
        }
    }

    public Task CheckAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_root);
        var probe = Path.Combine(_root, ".ready-" + Environment.ProcessId);
        File.WriteAllText(probe, "ok");
        File.Delete(probe);
        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        if (key.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(key))
        {
            throw new ArgumentException($"Archive key '{key}' must be relative and must not contain '..'.", nameof(key));
        }

        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private string KeyOf(string path) => Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/');
}
