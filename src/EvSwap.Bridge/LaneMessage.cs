using EvSwap.IngestLog;
using MQTTnet;

namespace EvSwap.Bridge;

/// <summary>A received telemetry message on its way through the lanes.</summary>
/// <param name="ReceivedAt">When the bridge took it from the broker; retries keep it, so lag and archive lines say when it arrived.</param>
/// <param name="Delivery">External bridge: the broker delivery to acknowledge once the message is finished. Null for the
/// embedded receiver, whose broker acknowledged the publish once it was queued and written to the ingest log.</param>
/// <param name="Log">Its append to the ingest log; the external bridge acknowledges only once that is durable.</param>
internal sealed record LaneMessage(string Topic, byte[] Payload, DateTimeOffset ReceivedAt, MqttApplicationMessageReceivedEventArgs? Delivery, LogAppend Log);
