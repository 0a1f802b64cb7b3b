namespace EvSwap.Console;

/// <summary>
/// Reads a page's data again on a timer while the page is open, for data no grain pushes (the alarm shards). Ends when
/// the page closes or the silo stops: a page still open at shutdown must not read grains that are gone.
/// </summary>
public static class PageRefresh
{
    /// <param name="tick">Runs on the page's dispatcher (the caller wraps it in InvokeAsync); a failure it lets out ends the refresh.</param>
    public static async Task RunAsync(TimeSpan interval, TimeProvider time, CancellationToken closed, CancellationToken stopping, Func<Task> tick)
    {
        using var timer = new PeriodicTimer(interval, time);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(closed, stopping);
        try
        {
            while (await timer.WaitForNextTickAsync(done.Token))
            {
                await tick();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The page closed (its circuit may be gone too).
        }
    }
}
