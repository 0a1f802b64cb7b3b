using System.ComponentModel.DataAnnotations;

namespace EvSwap.Bridge;

public sealed class MqttOptions : IValidatableObject
{
    public const string Section = "Mqtt";

    public MqttMode Mode { get; set; } = MqttMode.Embedded;
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;

    /// <summary>External mode: connections per silo, all in one shared subscription group.</summary>
    public int Connections { get; set; } = 1;

    /// <summary>External mode: the shared subscription group; empty for a plain subscription.</summary>
    public string SharedGroup { get; set; } = "evswap";

    /// <summary>
    /// Unacknowledged messages each connection accepts at once. IoT Core allows 100 QoS 1 messages in flight per
    /// connection; the bridge announces this as its MQTT 5 receive maximum so the broker never sends more.
    /// </summary>
    public int MaxInFlightPerConnection { get; set; } = 100;

    /// <summary>How long the broker keeps a connection's session (and queues its messages) while it is away.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Prefix of the bridge's client ids <c>{prefix}-{slot}</c>, leased per silo (see <see cref="ClientIdLeases"/>).</summary>
    public string ClientIdPrefix { get; set; } = "evswap-bridge";

    /// <summary>External mode: how client ids are leased, so a replacement task resumes a dead task's sessions.</summary>
    public ClientIdLeaseOptions ClientIdLeases { get; set; } = new();

    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>On shutdown, how long in-flight messages may take to finish before the bridge disconnects anyway.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public MqttTlsOptions Tls { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            yield return new("Mqtt:Host must be set: where the embedded broker listens, or where the bridge connects.");
        }

        if (Port is < 1 or > 65535)
        {
            yield return new($"Mqtt:Port must be 1-65535 (is {Port}).");
        }

        if (Connections is < 1 or > 64)
        {
            yield return new($"Mqtt:Connections must be 1-64 (is {Connections}).");
        }

        if (Mode == MqttMode.Embedded && Connections != 1)
        {
            yield return new("Mqtt:Connections must be 1 with Mqtt:Mode=Embedded: the embedded broker has no shared subscriptions, so more connections would each receive every message.");
        }

        if (Mode == MqttMode.External && Connections > 1 && string.IsNullOrEmpty(SharedGroup))
        {
            yield return new("Mqtt:SharedGroup must be set when Mqtt:Connections > 1, or every connection would receive every message.");
        }

        if (string.IsNullOrWhiteSpace(ClientIdPrefix) || ClientIdPrefix.Length > 100)
        {
            yield return new($"Mqtt:ClientIdPrefix must be 1-100 characters (is '{ClientIdPrefix}'); client ids are '{{prefix}}-{{slot}}'.");
        }

        foreach (var error in Mode == MqttMode.External ? ClientIdLeases.Validate(Connections) : [])
        {
            yield return new(error);
        }

        if (MaxInFlightPerConnection is < 1 or > 65535)
        {
            yield return new($"Mqtt:MaxInFlightPerConnection must be 1-65535 (is {MaxInFlightPerConnection}).");
        }

        if (SessionExpiry < TimeSpan.Zero || SessionExpiry.TotalSeconds > uint.MaxValue)
        {
            yield return new($"Mqtt:SessionExpiry must be zero or positive (is {SessionExpiry}).");
        }

        if (ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay)
        {
            yield return new("Mqtt:ReconnectMinDelay must be positive and not above Mqtt:ReconnectMaxDelay.");
        }

        if (Mode == MqttMode.Embedded && Tls.Enabled)
        {
            yield return new("Mqtt:Tls applies to Mqtt:Mode=External only; remove the Mqtt:Tls settings or set Mqtt:Mode=External.");
        }

        var cert = !string.IsNullOrWhiteSpace(Tls.CertFile) || !string.IsNullOrWhiteSpace(Tls.CertPem);
        var key = !string.IsNullOrWhiteSpace(Tls.KeyFile) || !string.IsNullOrWhiteSpace(Tls.KeyPem);
        if (cert != key)
        {
            yield return new("Mqtt:Tls needs both a client certificate (CertFile or CertPem) and its key (KeyFile or KeyPem), or neither.");
        }

        foreach (var (name, path) in new[] { ("CaFile", Tls.CaFile), ("CertFile", Tls.CertFile), ("KeyFile", Tls.KeyFile) })
        {
            if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
            {
                yield return new($"Mqtt:Tls:{name} '{path}' does not exist.");
            }
        }
    }
}
