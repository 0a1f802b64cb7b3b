namespace EvSwap.Contracts;

/// <summary>Sizes the telemetry contract allows, shared by the validator, the embedded broker and the bridge client.</summary>
public static class TelemetryLimits
{
    /// <summary>The payload limit of AWS IoT Core, which the contract adopts so a message valid locally is valid there.</summary>
    public const int MaxPayloadBytes = 128 * 1024;

    /// <summary>
    /// Room for an MQTT PUBLISH packet's headers around the payload: fixed header, topic, packet id and MQTT 5
    /// properties. A telemetry topic is under 100 bytes (IoT Core allows 256); the rest is room for properties, so a
    /// packet whose payload is within the limit is not refused for its headers.
    /// </summary>
    public const int MaxPacketHeaderBytes = 16 * 1024;

    /// <summary>
    /// The largest MQTT packet a broker or client of EvSwap accepts. Anything larger is refused from its fixed header,
    /// before its body is read into memory; a payload between <see cref="MaxPayloadBytes"/> and this still arrives and
    /// is dead-lettered as too large, so the station's operator can see it.
    /// </summary>
    public const int MaxPacketBytes = MaxPayloadBytes + MaxPacketHeaderBytes;
}
