namespace EvSwap.Testing;

/// <summary>
/// Waits for an eventually consistent result (one-way index updates, asynchronous flushes) instead of sleeping a
/// fixed time. The timeout is generous and only bounds a failing test; it is never what a test asserts.
/// </summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(25);
        }
    }
}
