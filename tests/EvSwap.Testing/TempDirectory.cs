namespace EvSwap.Testing;

public static class TempDirectory
{
    /// <summary>
    /// Removes a test's scratch directory, best effort: a stand-in that is still stopping (s3rver finishing a PUT)
    /// may write into it while it is being removed, and a leftover folder under /tmp must not fail a test that passed.
    /// </summary>
    public static void TryDelete(string path)
    {
        for (var attempt = 0; attempt < 3 && Directory.Exists(path); attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(200);
            }
        }
    }
}
