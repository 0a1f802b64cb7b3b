namespace EvSwap.Bridge;

public enum MqttMode
{
    /// <summary>An MQTTnet server inside the silo process: the local profile, nothing to install.</summary>
    Embedded,

    /// <summary>A broker elsewhere: AWS IoT Core, or mosquitto in tests and compose.</summary>
    External,
}
