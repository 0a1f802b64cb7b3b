namespace EvSwap.Testing;

/// <summary>
/// Waits for an eventually consistent result (one-way index updates, asynchronous flushes, a cluster forming) instead
/// of sleeping a fixed time. A probe that throws counts as "not yet" until the deadline, then its error surfaces.
/// The timeout only bounds a failing test; it is never what a test asserts.
/// </summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                var value = await probe();
                if (done(value) || DateTime.UtcNow > deadline)
                {
                    return value;
                }
            }
            catch (Exception) when (DateTime.UtcNow <= deadline)
            {
                // Not there yet.
            }

            await Task.Delay(25);
        }
    }
}
