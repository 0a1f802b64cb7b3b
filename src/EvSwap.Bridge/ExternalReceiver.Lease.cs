using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EvSwap.Bridge;

/// <summary>The connection's side of the client id lease: it closes at once when the lease ends or is contested.</summary>
internal sealed partial class ExternalReceiver
{
    /// <summary>
    /// Stops using the client id at once: no drain, no unsubscribe, no acknowledgement from here on. What was in flight
    /// stays in the session for whoever holds the lease next (a message applied but not acknowledged comes back as a
    /// duplicate, which its station recognises). Idempotent; the task ends when the connection is closed.
    /// </summary>
    public Task AbortAsync()
    {
        lock (_abort)
        {
            return _aborted ??= AbortCoreAsync();
        }
    }

    private async Task AbortCoreAsync()
    {
        _accepting = false;
        await _supervising.CancelAsync();
        await _stopping.CancelAsync();
        await _abort.CancelAsync();
        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), CancellationToken.None);
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Bridge connection {ClientId}: disconnect after the lease ended failed.", ClientId);
        }

        if (_supervisor is not null)
        {
            await _supervisor.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private void OnTakenOver()
    {
        if (_aborted is not null)
        {
            return;
        }

        // Someone else connected with this client id. Reconnecting would take it back and start a tug of war that
        // disconnects both every few seconds; this connection ends, and the lease decides who goes on.
        _logger.LogError("Bridge connection {ClientId}: the broker handed this client id to another connection. Client ids are leased, " +
            "so this means another deployment uses the same Mqtt:ClientIdPrefix, or silos that do not share a lease store.", ClientId);
        _ = AbortAsync();
        _takenOver?.Invoke();
    }
}
