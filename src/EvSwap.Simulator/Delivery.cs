using EvSwap.Contracts;

namespace EvSwap.Simulator;

/// <summary>One publish the scheduler asks for: a station's message on one of the fleet's connections.</summary>
/// <param name="Connection">Index of the connection to publish on; not always the station's own one.</param>
/// <param name="IsCopy">A second publish of a message already sent or scheduled, like an IoT Core redelivery.</param>
/// <param name="IsLate">Sent after a newer message of the same station was sent.</param>
public readonly record struct Delivery(TelemetryMessage Message, byte[] Payload, int Connection, bool IsCopy, bool IsLate);
