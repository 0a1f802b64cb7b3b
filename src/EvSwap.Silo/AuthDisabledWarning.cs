namespace EvSwap.Silo;

internal sealed class AuthDisabledWarning(ILogger<AuthDisabledWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("Auth:Mode=None: the API accepts every request without authentication. Use Auth:Mode=Jwt outside a developer machine.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
