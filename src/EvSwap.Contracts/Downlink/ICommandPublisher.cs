namespace EvSwap.Contracts;

/// <summary>
/// Publishes a command to its station (QoS 1, on <see cref="CommandTopic.CommandsFor"/>). The station grain calls it;
/// the bridge implements it with the embedded broker or its external connections. Completes when the broker took the
/// message; throws when it did not, and the grain publishes again later.
/// </summary>
public interface ICommandPublisher
{
    Task PublishAsync(StationCommand command, CancellationToken cancellationToken);
}
