namespace EvSwap.Console.Tests;

/// <summary>A host that is running and never stops: pages that refresh until the silo stops keep refreshing.</summary>
internal sealed class RunningHost : Microsoft.Extensions.Hosting.IHostApplicationLifetime
{
    public CancellationToken ApplicationStarted => CancellationToken.None;
    public CancellationToken ApplicationStopping => CancellationToken.None;
    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication() => throw new NotSupportedException();
}
